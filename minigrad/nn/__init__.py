"""``minigrad.nn``: Modules, Parameters, layers and losses, as in ``torch.nn``.

* ``parameter.py``  Parameter, the Tensor a Module registers as a weight
* ``modules.py``    Module, Sequential, Linear, activations and losses
* ``functional.py`` the same as functions (``import minigrad.nn.functional as F``)
* ``init.py``       in-place initialisers drawing from PyTorch's random stream
"""

from . import functional, init
from .modules import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    DataParallel,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    Module,
    ModuleList,
    MSELoss,
    NLLLoss,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from .parameter import Parameter

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "DataParallel", "Dropout",
    "Flatten", "Identity",
    "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "Module", "ModuleList", "NLLLoss",
    "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Softplus", "Tanh", "functional",
    "init",
]

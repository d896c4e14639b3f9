"""Alternative correct answers to every graded exercise, one module per lesson.

Each module defines ``RIGHT``: exercise id -> {what the answer is: answer-cell code}:
another algorithm, a loop, float32, lists, written as a student would.  Every one
must get full marks in the visible check, ``course check`` and grading
(``tests/test_answer_corpora.py``).
"""

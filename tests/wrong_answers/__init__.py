"""Plausible wrong answers to every graded exercise, one module per lesson.

Each module defines ``WRONG``: exercise id -> {what the mistake is: answer-cell code}.
The graders must fail every one of them (``tests/test_exercises.py``).
"""

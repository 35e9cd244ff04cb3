"""The public prize quiz (有奖答题), a sub-module of outreach (issue 7).

Staff build a question bank (Chinese and Tibetan, reviewed before use) and quizzes (period, draw
rules, limits, prizes); participants answer on light public pages under ``/quiz/`` (see
``outreach/public_views.py``); the server alone draws, times and scores attempts; live figures are
counted in Redis; the prize draw is reproducible from its published seed.

Modules: ``models`` (the tables), ``choices``, ``services`` (staff writes), ``play`` (the participant's
start, paper and submit: the hot path), ``identity`` (participant tokens, SMS codes, WeChat-style
adapters), ``sms``, ``limits`` (rate limits), ``live`` (live counters), ``draw`` (the prize draw
algorithm), ``selectors`` (statistics and figures), and the staff ``views``, ``forms``, ``tables``,
``filtersets``, ``importers``. See docs/quiz.md.
"""

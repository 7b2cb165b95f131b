"""Jobs that run themselves in the app's process (issue 19): the daily compliance messages,
the nightly backup and the batch reminder on a cycle's first processing day.

``schedule`` says when each job is due (pure functions of "now" and the settings),
``tasks`` holds what each job does, ``runner`` records every run in ``job_runs`` and never
lets a job run twice at once, ``scheduler`` is the loop the server starts, ``health`` what
``/healthz`` answers.
"""

"""workflow: helpers the GitHub Actions workflows run (job summary, review alerts).

Not a Pelican plugin: ``python -m tools.workflow.ci_summary`` writes the pull request's job
summary and ``python -m tools.workflow.review_alert`` turns ``invoke review-report``'s CSV into
the nightly alert. See README.md.
"""

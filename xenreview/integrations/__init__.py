"""Where reviewers already work: pre-commit hooks, plain git hooks, b4's check command."""

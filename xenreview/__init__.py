"""xenreview: review Xen patch series the way xen-devel reviewers do."""

__version__ = "0.1.0.dev0"

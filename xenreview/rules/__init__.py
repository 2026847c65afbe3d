"""The rule framework (docs/rules.md).

``api`` is the vocabulary rules are written in; ``finder`` finds and loads
them (the bundled ``rules/`` catalogue, ``--rules-dir`` folders, the
``xenreview.rules`` entry points); ``selection`` decides which run and what
their findings become; ``runner`` runs them at their scopes; ``suppress``
and ``baseline`` mark the findings the author or CI chose to set aside;
``testing`` runs rules over their fixtures.
"""

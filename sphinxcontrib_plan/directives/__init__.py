"""Directives: ``plan``, the ``plan-<type>`` objects and the collectors."""

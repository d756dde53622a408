"""pytest plugin for ``make mutation`` only: fewer Hypothesis examples per property.

Loaded with ``-p tests.utils.mutation_hypothesis`` by tests/utils/mutation.py. A mutant is run against
the unit tests hundreds of times; ``MUTATION_EXAMPLES`` examples per property (a test's own
``@settings(max_examples=...)`` still wins) keep one mutant to seconds.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("mutation", max_examples=int(os.environ.get("MUTATION_EXAMPLES", "25")), deadline=None,
                          suppress_health_check=list(HealthCheck), derandomize=True)
settings.load_profile("mutation")

"""Names shared by covtasks and its pytest plugin inside a run's staging directory.

Kept free of imports: ``measure`` needs them without importing pytest (which the
plugin module does), so a covtasks process does not pay for pytest's import.
"""

STAGING_ENV = "COVTASKS_STAGING"
RESULTS_ENV = "COVTASKS_RESULTS"
RESULTS_FILE = "results.json"
# Beside the results: pytest is stopping on an interrupt (Ctrl-C reached it).
INTERRUPTED_SUFFIX = ".interrupted"
WORKERS_DIR = "workers"
# ``run --shard K/N``: the shard to keep, the durations file to balance by, and the
# plugin's record of the whole selection and the tests this shard kept.
SHARD_ENV = "COVTASKS_PLUGIN_SHARD"
DURATIONS_ENV = "COVTASKS_PLUGIN_DURATIONS"
SHARD_FILE = "shard.json"

"""Imported by the forkserver that forks a build's worker processes, before it forks any.

``kg.pipeline.start_workers`` names the pipeline and its settings in the environment
variable ``PRELOAD_VARIABLE``; loading them here means each worker starts with them
loaded instead of loading them again, as spaCy's own worker processes do. A pipeline that
fails to load here is left to the workers, which report the error to the build.
"""

import json
import os
from contextlib import suppress

from kg.pipeline import PRELOAD_VARIABLE, _init_worker

if settings := os.environ.get(PRELOAD_VARIABLE):
    with suppress(Exception):  # the workers load it again, and report why it fails
        _init_worker(*json.loads(settings))

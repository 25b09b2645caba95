"""Settings for the labs benchmark only: the real settings plus a bare endpoint to compare with.

Never used outside `bench/labs_booking.py`; the production URLs stay untouched.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.labs_urls"

"""Test factories, one module per app (lowest first); every name is importable from here."""

from .cate import *  # noqa: F403
from .contacts import *  # noqa: F403
from .core import *  # noqa: F403
from .network import *  # noqa: F403
from .riskpanel import *  # noqa: F403

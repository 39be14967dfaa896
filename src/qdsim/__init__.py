"""qdsim — an agent-based model of the Qingdao–Dingxi East–West cooperation.

青岛—定西东西部协作的主体模型. The public entry points live in
:mod:`qdsim.api`; the app and the command line call nothing else.
"""

__version__ = "0.1.0"

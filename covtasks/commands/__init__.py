"""The CLI commands, one module per command, named after it.

Each module holds its command's arguments and what it prints, behind the same small
interface: ``configure(parser)`` adds the arguments, ``execute(args, extra) -> int``
runs the command from the project root and returns its exit status (``extra`` is what
the command line passes through to pytest: only ``run`` takes any). ``covtasks.cli``
lists them in one table and imports only the chosen one.
"""

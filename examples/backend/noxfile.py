import covtasks.nox

covtasks.nox.install()

from insignia.cli.main import run

run()

# make demo: 3 accounts x 2 regions converged, checked idempotent and audited on a local moto_server
# (demo/run_demo.py starts it on 127.0.0.1 and always stops it).
demo: venv link
	$(BIN)/python demo/run_demo.py

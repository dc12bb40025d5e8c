# Set-up and entry points. `make test` runs the whole suite; `make main` trains
# the MNIST MLP end to end on the cached dataset in ../shared.
PY ?= .venv/bin/python

.venv/bin/python:
	@# GraphViz's `dot` lets the plot_model test write a real PNG (best effort: optional)
	@command -v dot >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && apt-get install -y -qq graphviz) >/dev/null 2>&1; } || true
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -r requirements-dev.txt
	@# setuptools warns that an editable install of a flat layout sees ./keras: that is the point
	PYTHONWARNINGS=ignore .venv/bin/pip install -q --no-deps -e .

setup: .venv/bin/python

main: setup
	KERAS_HOME=$${KERAS_HOME:-../shared} $(PY) examples/mnist_mlp.py

test: setup
	$(PY) -m pytest -q -p no:cacheprovider tests

# the training table (torch loop, eager, jit_compile=True; peak memory), then predict's latency
bench: setup
	KERAS_HOME=$${KERAS_HOME:-../shared} $(PY) benchmarks/run.py --rss
	$(PY) benchmarks/predict_latency.py

.PHONY: setup main test bench

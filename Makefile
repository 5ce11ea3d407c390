# The few commands a contributor needs. `make run` and `make test` do all the set-up.
# PYTHON= picks the interpreter and VENV= its virtualenv (one per Python: .ci/run tests two).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config/newswatch.yaml
STAMP  := $(VENV)/.installed
# The matcher's native engine is built by the install: a change to it rebuilds it.
ENGINE := $(wildcard src/newswatch/match/engine/*.c src/newswatch/match/engine/*.h)

.PHONY: run once test lint format check bench bench-match bench-poll bench-deliver bench-archive bench-pipeline bench-articles bench-stories bench-web screenshots soak clean

$(STAMP): pyproject.toml setup.py $(ENGINE)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)          ## run the daemon on the embedded Redis with the example config
	$(BIN)/newswatch run --config $(CONFIG)

once: $(STAMP)         ## poll every feed once, deliver, exit
	$(BIN)/newswatch run --once --config $(CONFIG)

check: $(STAMP)        ## validate the example config
	$(BIN)/newswatch check --config $(CONFIG)

test: $(STAMP)         ## the whole test suite (real Redis: NEWSWATCH_TEST_REDIS_URL or embedded)
	$(BIN)/pytest -q

lint: $(STAMP)         ## ruff check, ruff format --check, mypy on src/
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: bench-match bench-poll bench-deliver bench-archive bench-pipeline bench-articles bench-stories bench-web   ## every benchmark but the hour-long soak

bench-match: $(STAMP)  ## matcher docs/s at 10,000 and 100,000 watches vs evaluate-every-watch
	$(BIN)/python benchmarks/match/run.py

bench-poll: $(STAMP)   ## 10,000 feeds on a local nginx: cold and warm polls vs naive feedparser
	$(BIN)/python benchmarks/poll/run.py

bench-deliver: $(STAMP)  ## alerts/s and latency to a local webhook, one and two notifiers
	$(BIN)/python benchmarks/deliver/run.py

bench-archive: $(STAMP)  ## 100,000 archived articles on SQLite and PostgreSQL: writing, bytes, search, backfill
	$(BIN)/python benchmarks/archive/run.py

bench-pipeline: $(STAMP)  ## articles/s per core through fetch, extract, match, archive, alert vs bare trafilatura
	$(BIN)/python benchmarks/archive/pipeline.py

bench-articles: $(STAMP)  ## articles/s of one worker on 100 slow local hosts vs CPU-bound; cold starts
	$(BIN)/python benchmarks/articles/run.py

bench-stories: $(STAMP)   ## the story index with 1,000,000 stories (lookup+insert, memory) and clustering quality
	$(BIN)/python benchmarks/stories/run.py

bench-web: $(STAMP)    ## server time of the web pages over 10,000 archived alerts (SQLite)
	$(BIN)/python benchmarks/web/run.py

screenshots: $(STAMP)  ## docs/*.png: the web pages in headless Chromium (Redis: NEWSWATCH_TEST_REDIS_URL)
	$(BIN)/python docs/screenshots.py

soak: $(STAMP)         ## 1,000 local feeds for an hour: RSS and Redis memory at start and end
	$(BIN)/python benchmarks/soak/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/newswatch/match/*.so

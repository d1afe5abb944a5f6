.PHONY: run test lint
run:  ## Run the app (web, worker, scheduler) on 127.0.0.1:8000 with demo data
	bash scripts/run.sh
test: ## Run the whole test suite against PostgreSQL and Redis on localhost
	bash scripts/test.sh $(ARGS)
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

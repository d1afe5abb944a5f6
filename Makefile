.PHONY: run test lint backup restore
run:  ## Run the app (web, worker, scheduler) on 127.0.0.1:8000 with demo data
	bash scripts/run.sh
test: ## Run the whole test suite against PostgreSQL and Redis on localhost
	bash scripts/test.sh $(ARGS)
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
backup: ## Back up the database in DATABASE_URL: make backup [FILE=path]
	bash scripts/backup.sh $(FILE)
restore: ## Restore into an empty database: make restore FILE=path TARGET=postgres://...
	bash scripts/restore.sh $(FILE) $(TARGET)

.PHONY: run test lint backup restore generate bench bench-compare
run:  ## Run the app (web, worker, scheduler) on 127.0.0.1:8000 with demo data
	bash scripts/run.sh
test: ## Run the whole test suite against PostgreSQL and Redis on localhost
	bash scripts/test.sh $(ARGS)
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
backup: ## Back up the database in DATABASE_URL: make backup [FILE=path]
	bash scripts/backup.sh $(FILE)
restore: ## Restore into an empty database as its owner: make restore FILE=path TARGET=postgres://owner@.../db [APP_ROLE=cate_app]
	bash scripts/restore.sh $(FILE) $(TARGET) $(APP_ROLE)

SCALE ?= small
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cate_bench_$(SCALE)
generate: ## Generate records into an empty, migrated database: make generate SCALE=small|large [SEED=1]
	DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=$(BENCH_DATABASE_URL) \
		.venv/bin/python manage.py generate_data --scale $(SCALE) --seed $(or $(SEED),1)
bench: ## Time the main pages, the annual report and the RHI alert job: make bench SCALE=small|large
	DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=$(BENCH_DATABASE_URL) \
		.venv/bin/python bench/run.py --scale $(SCALE) --output bench/results/$(SCALE).json
bench-compare: ## Large against small, from the saved results
	.venv/bin/python bench/run.py --compare bench/results/small.json bench/results/large.json

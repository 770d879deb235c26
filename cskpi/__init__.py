"""Python tooling around the cs-kpis dbt project: demo data, loader, validation, report."""

__version__ = "0.1.0"

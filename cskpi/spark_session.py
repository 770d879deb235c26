"""The local Spark session every Spark step shares: Hive catalog, Derby metastore, UTC.

dbt-spark's `session` method, the Spark loader and the export read the same settings,
so they see the same catalog. The metastore and the warehouse live in one folder,
$CS_KPIS_SPARK_HOME (default data/spark): `metastore_db/` (Derby, which admits one
process at a time) and `warehouse/` (the tables' files).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
HOME_ENV = "CS_KPIS_SPARK_HOME"


def spark_home() -> Path:
    return Path(os.environ.get(HOME_ENV) or PROJECT_DIR / "data" / "spark").resolve()


def settings(home: Path | None = None) -> dict[str, str]:
    """Spark settings for a local session on `home` (the profile's server_side_parameters)."""
    home = (home or spark_home()).resolve()
    return {
        "spark.master": "local[2]",
        "spark.sql.catalogImplementation": "hive",
        "spark.sql.warehouse.dir": str(home / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={home / 'metastore_db'};create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={home}",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.ansi.enabled": "true",
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.sources.default": "parquet",
        "spark.driver.memory": "2g",
    }


def environment() -> None:
    """Environment a local Spark needs: the loopback address, quiet logs."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def session(app_name: str = "cs_kpis"):
    """A SparkSession with Hive support on the project's metastore."""
    environment()
    from pyspark.sql import SparkSession

    home = spark_home()
    home.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName(app_name)
    for key, value in settings(home).items():
        builder = builder.config(key, value)
    spark = builder.enableHiveSupport().getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark

"""Airflow DAG: one Sluice driver pod per run (KubernetesPodOperator). Executors are the
sluice-executor Deployment (cluster/k8s/sluice.yaml); they join the driver through the sluice-driver
Service. Backfill or incremental mode is chosen per table by Sluice from etl_metadata.cdc_state."""
import pendulum
from airflow.sdk import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from kubernetes.client import models as k8s

with DAG(
    dag_id="sluice_warehouse",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    params={"tables": "", "mode": ""},
) as dag:
    KubernetesPodOperator(
        task_id="sluice_driver",
        name="sluice-driver",
        namespace="sluice",
        image="registry.example.com/sluice-driver:{{ var.value.get('sluice_image_tag', '0.1.0') }}",
        cmds=["/usr/local/bin/sluice"],
        # --metrics-linger keeps /metrics up 30 s after the run, so that a 15 s scrape sees the final figures.
        arguments=["driver", "--config", "/etc/sluice/pipeline.yaml", "--listen", "0.0.0.0:7077",
                   "--report", "/staging/reports/{{ run_id }}.json",
                   "--metrics-port", "9464", "--metrics-linger", "30"],
        labels={"app": "sluice-driver"},
        annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "9464", "prometheus.io/path": "/metrics"},
        ports=[k8s.V1ContainerPort(container_port=7077, name="cluster"),
               k8s.V1ContainerPort(container_port=9464, name="metrics")],
        env_vars=[k8s.V1EnvVar(name="SLUICE_TOKEN", value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name="sluice-secrets", key="token")))],
        container_resources=k8s.V1ResourceRequirements(requests={"cpu": "500m", "memory": "512Mi"},
                                                       limits={"memory": "1Gi"}),
        volumes=[
            k8s.V1Volume(name="pipeline", config_map=k8s.V1ConfigMapVolumeSource(name="sluice-pipeline")),
            k8s.V1Volume(name="secrets", secret=k8s.V1SecretVolumeSource(secret_name="sluice-secrets")),
            k8s.V1Volume(name="staging", persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(
                claim_name="sluice-staging")),
        ],
        volume_mounts=[
            k8s.V1VolumeMount(name="pipeline", mount_path="/etc/sluice"),
            k8s.V1VolumeMount(name="secrets", mount_path="/run/secrets/sluice", read_only=True),
            k8s.V1VolumeMount(name="staging", mount_path="/staging"),
        ],
        get_logs=True,
        on_finish_action="delete_pod",
    )

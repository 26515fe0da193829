locals {
  chart_path = coalesce(var.chart_path, "${path.module}/../helm/mlctl")
  namespace  = var.create_namespace ? kubernetes_namespace_v1.this[0].metadata[0].name : var.namespace
  # Decided from a non-sensitive input only: a count may not depend on secret values.
  create_secret = var.existing_secret_name == null
  secret_name   = coalesce(var.existing_secret_name, "${var.release_name}-credentials")
  tracking_uri = coalesce(
    var.mlflow_tracking_uri,
    var.mlflow.enabled ? "http://mlflow.${var.namespace}.svc:5000" : null,
    "http://mlflow:5000",
  )
}

resource "kubernetes_namespace_v1" "this" {
  count = var.create_namespace ? 1 : 0
  metadata {
    name   = var.namespace
    labels = { "app.kubernetes.io/part-of" = "mlctl" }
  }
}

# The chart only references Secrets; this one holds what the variables give (keys left out when null),
# under the env var names mlctl reads (the chart's secrets.keys defaults).
resource "kubernetes_secret_v1" "credentials" {
  count = local.create_secret ? 1 : 0
  metadata {
    name      = local.secret_name
    namespace = local.namespace
    labels    = { "app.kubernetes.io/part-of" = "mlctl" }
  }
  data = { for k, v in {
    ADMIN_API_TOKEN          = var.admin_api_token
    MLFLOW_TRACKING_USERNAME = var.mlflow_credentials.username
    MLFLOW_TRACKING_PASSWORD = var.mlflow_credentials.password
    MLFLOW_TRACKING_TOKEN    = var.mlflow_credentials.token
  } : k => v if v != null }
}

module "chart_values" {
  source                     = "./modules/chart-values"
  release_name               = var.release_name
  image_repository           = var.image_repository
  image_tag                  = var.image_tag
  model_uri                  = var.model_uri
  model_auto_refresh_seconds = var.model_auto_refresh_seconds
  mlflow_tracking_uri        = local.tracking_uri
  canary                     = var.canary
  secret_name                = local.secret_name
  service_monitor            = var.service_monitor
  prometheus_rule_files      = var.prometheus_rule_files
  drift                      = var.drift
}

# One release holds the stable and the canary track, as `mlctl canary promote --helm-release` expects.
resource "helm_release" "mlctl" {
  name      = var.release_name
  namespace = local.namespace
  chart     = local.chart_path
  values    = [module.chart_values.yaml, yamlencode(var.extra_values)]
  # Serve pods are ready once their model exists in the registry: on a first install that may be
  # after this apply (train and register, then they load it within auto-refresh), hence wait_for_ready.
  wait    = var.wait_for_ready
  timeout = 600

  depends_on = [kubernetes_secret_v1.credentials, kubernetes_service_v1.mlflow]
}

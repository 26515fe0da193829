output "namespace" {
  description = "Namespace of the release."
  value       = local.namespace
}

output "release_name" {
  description = "Helm release name (for `mlctl canary promote --helm-release`)."
  value       = helm_release.mlctl.name
}

output "service_name" {
  description = "Service of both tracks (port 8000)."
  value       = module.chart_values.fullname
}

output "canary_deployment_name" {
  description = "Deployment of the canary track while canary.enabled."
  value       = "${module.chart_values.fullname}-canary"
}

output "drift_service_name" {
  description = "Service of the drift monitor (port 9000)."
  value       = "${module.chart_values.fullname}-drift"
}

output "secret_name" {
  description = "Secret the pods read credentials from."
  value       = local.secret_name
}

output "mlflow_tracking_uri" {
  description = "The MLflow tracking URI the pods use."
  value       = local.tracking_uri
}

# Turns the root module's variables into the mlctl chart's values. No providers: it can be planned and
# tested anywhere (test/infra renders the chart with its output).
terraform {
  required_version = ">= 1.6.0"
}

variable "release_name" {
  description = "Helm release name."
  type        = string
  default     = "mlctl"
}

variable "image_repository" {
  type = string
}

variable "image_tag" {
  type    = string
  default = ""
}

variable "model_uri" {
  type = string
}

variable "model_auto_refresh_seconds" {
  type    = number
  default = 300
}

variable "mlflow_tracking_uri" {
  type = string
}

variable "canary" {
  type = object({
    enabled   = bool
    model_uri = optional(string, "models:/iris@candidate")
    image_tag = optional(string, "")
    replicas  = optional(number, 1)
  })
  default = { enabled = false }
}

variable "secret_name" {
  description = "Secret the pods read credentials from; empty for none."
  type        = string
  default     = ""
}

variable "service_monitor" {
  type = object({
    enabled = bool
    labels  = optional(map(string), {})
  })
  default = { enabled = false }
}

variable "prometheus_rule_files" {
  description = "Prometheus rule files whose groups become the PrometheusRule."
  type        = list(string)
  default     = []
}

variable "drift" {
  type = object({
    enabled       = optional(bool, true)
    loki_base_url = optional(string, "http://loki.monitoring:3100")
  })
  default = {}
}

locals {
  # The chart's fullname rule (templates/_helpers.tpl), set explicitly so outputs name real objects.
  fullname    = trimsuffix(substr(strcontains(var.release_name, "mlctl") ? var.release_name : "${var.release_name}-mlctl", 0, 56), "-")
  rule_groups = flatten([for f in var.prometheus_rule_files : yamldecode(file(f)).groups])

  values = {
    fullnameOverride = local.fullname
    host             = "0.0.0.0" # mlctl's default, 127.0.0.1, is out of reach of the probes and the Service
    image            = { repository = var.image_repository, tag = var.image_tag }
    model            = { uri = var.model_uri, autoRefreshSeconds = var.model_auto_refresh_seconds }
    mlflow           = { trackingUri = var.mlflow_tracking_uri }
    canary = {
      enabled  = var.canary.enabled
      replicas = var.canary.replicas
      model    = { uri = var.canary.model_uri }
      image    = { tag = var.canary.image_tag }
    }
    secrets        = { existingSecret = var.secret_name }
    serviceMonitor = { enabled = var.service_monitor.enabled, labels = var.service_monitor.labels }
    prometheusRule = {
      enabled = length(local.rule_groups) > 0
      labels  = var.service_monitor.labels
      groups  = local.rule_groups
    }
    drift = { enabled = var.drift.enabled, host = "0.0.0.0", lokiBaseUrl = var.drift.loki_base_url }
  }
}

output "values" {
  description = "The chart values, as an object."
  value       = local.values
}

output "yaml" {
  description = "The chart values as YAML, for helm_release.values."
  value       = yamlencode(local.values)
}

output "fullname" {
  description = "Prefix of every resource name of the release."
  value       = local.fullname
}

# Optional MLflow tracking server in the namespace: one pod, SQLite and artifacts on one volume,
# artifacts served through the server (mlctl uses MLflow's artifact proxy). Service name `mlflow`,
# which is the chart's default mlflow.trackingUri.
locals {
  mlflow_labels = { "app.kubernetes.io/name" = "mlflow", "app.kubernetes.io/part-of" = "mlctl" }
}

resource "kubernetes_persistent_volume_claim_v1" "mlflow" {
  count = var.mlflow.enabled ? 1 : 0
  metadata {
    name      = "mlflow"
    namespace = local.namespace
    labels    = local.mlflow_labels
  }
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = var.mlflow.storage_class
    resources {
      requests = { storage = var.mlflow.storage_size }
    }
  }
  wait_until_bound = false
}

resource "kubernetes_deployment_v1" "mlflow" {
  count = var.mlflow.enabled ? 1 : 0
  metadata {
    name      = "mlflow"
    namespace = local.namespace
    labels    = local.mlflow_labels
  }
  spec {
    replicas = 1
    # SQLite on a ReadWriteOnce volume: never two pods at once.
    strategy {
      type = "Recreate"
    }
    selector {
      match_labels = local.mlflow_labels
    }
    template {
      metadata {
        labels = local.mlflow_labels
      }
      spec {
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = 1000
          run_as_group    = 1000
          fs_group        = 1000
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name  = "mlflow"
          image = var.mlflow.image
          args = [
            "mlflow", "server",
            "--host=0.0.0.0",
            "--port=5000",
            "--backend-store-uri=sqlite:////mlflow/mlflow.db",
            "--artifacts-destination=/mlflow/artifacts",
            "--serve-artifacts",
            # Host headers accepted (DNS-rebinding protection): the in-cluster names mlctl uses.
            "--allowed-hosts=mlflow:5000,mlflow.${var.namespace}.svc:5000,mlflow.${var.namespace}.svc.cluster.local:5000,localhost:5000",
          ]
          env {
            name  = "HOME"
            value = "/tmp"
          }
          port {
            name           = "http"
            container_port = 5000
          }
          readiness_probe {
            http_get {
              path = "/health"
              port = "http"
            }
            period_seconds = 10
          }
          liveness_probe {
            http_get {
              path = "/health"
              port = "http"
            }
            initial_delay_seconds = 30
            period_seconds        = 20
          }
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          volume_mount {
            name       = "data"
            mount_path = "/mlflow"
          }
          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }
        }
        volume {
          name = "data"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.mlflow[0].metadata[0].name
          }
        }
        volume {
          name = "tmp"
          empty_dir {}
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "mlflow" {
  count = var.mlflow.enabled ? 1 : 0
  metadata {
    name      = "mlflow"
    namespace = local.namespace
    labels    = local.mlflow_labels
  }
  spec {
    selector = local.mlflow_labels
    port {
      name        = "http"
      port        = 5000
      target_port = "http"
    }
  }
}

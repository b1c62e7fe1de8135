# The bench profile's cluster certificates (source it; needs ROOT): made once under
# var/bench/certs by deploy/local/kyb certs, as every launcher mode does. bench_tls
# exports node-1's certificate for the nodes a bench starts (each may override it), the
# admin certificate for kybctl (KYBCTL_CERTS), and cluster and admin endpoints of the
# bench profile's own, apart from a running dev platform's 9101 / 9301.
bench_tls() {
  local dir="$ROOT/var/bench/certs"
  "$ROOT/deploy/local/kyb" certs "$dir" 6 >/dev/null
  export KYB_CLUSTER_TLS_CERTIFICATE="$dir/node-1.pem" KYB_CLUSTER_TLS_KEY="$dir/node-1-key.pem"
  export KYB_CLUSTER_TLS_CA="$dir/ca.pem" KYBCTL_CERTS="$dir"
  export KYB_CLUSTER_LISTEN="${KYB_CLUSTER_LISTEN:-127.0.0.1:19101}"
  export KYB_CLUSTER_ADMIN_LISTEN="${KYB_CLUSTER_ADMIN_LISTEN:-127.0.0.1:19301}"
}

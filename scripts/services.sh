#!/usr/bin/env bash
# Makes sure the local servers the tests use are up, starting any that is down.
# Usage: scripts/services.sh [all]   (default: PostgreSQL and Redis; `all` adds NATS,
# RabbitMQ, MariaDB and Mosquitto, which CI checks too).
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # name port
  for _ in $(seq 1 60); do port_open "$2" && return 0; sleep 0.5; done
  echo "services: $1 did not come up on port $2" >&2; return 1
}

ensure() { # name port start-command...
  local name=$1 port=$2; shift 2
  if port_open "$port"; then echo "services: $name is up (port $port)"; return 0; fi
  echo "services: $name is down; starting it"
  "$@" || { echo "services: could not start $name with: $*" >&2; return 1; }
  wait_port "$name" "$port"
  echo "services: $name started"
}

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

ensure PostgreSQL 5432 start_postgres
ensure Redis 6379 start_redis

if [ "${1:-}" = all ]; then
  ensure NATS 4222 start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  ensure RabbitMQ 5672 rabbitmq-server -detached || true
  ensure MariaDB 3306 start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  ensure Mosquitto 1883 mosquitto -d -c /etc/mosquitto/mosquitto.conf || true
fi

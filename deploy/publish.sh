#!/usr/bin/env bash
# 发布新版站点:先完整复制到旧版旁边,再一步切换,读者只会看到旧版或新版,不会看到复制了一半的站点。
#
#   deploy/publish.sh SITE_DIR DEPLOY_ROOT [KEEP]   把 SITE_DIR(kb build 的输出)发布为新版,保留最近 KEEP 版(默认 5)
#   deploy/publish.sh --rollback DEPLOY_ROOT        切回上一版
#
# 目录结构(nginx 的 alias 指向 DEPLOY_ROOT/current/):
#   DEPLOY_ROOT/releases/<序号>-<时间>/   每一版的完整副本,如 0042-20240612-093000
#   DEPLOY_ROOT/current -> releases/<序号>-<时间>   符号链接;用 rename(mv -T)原子替换
set -euo pipefail

die() { echo "publish.sh: $*" >&2; exit 1; }
usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

lock() {  # one publish at a time per deploy root
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$1/.publish.lock"
        flock -n 9 || die "另一个发布正在进行($1/.publish.lock)"
    fi
}

switch_to() {  # switch_to ROOT RELEASE_NAME: atomically point ROOT/current at releases/RELEASE_NAME
    local root=$1 name=$2
    if [ -e "$root/current" ] && [ ! -L "$root/current" ]; then
        die "$root/current 是普通目录而不是符号链接;请先改名(如 mv current releases/0000-initial)再发布"
    fi
    ln -sfn "releases/$name" "$root/.current.new"
    mv -T "$root/.current.new" "$root/current"   # rename(2): atomic for every reader
}

current_name() { [ -L "$1/current" ] && basename "$(readlink "$1/current")" || true; }

# Releases this script made (<seq>-<time>), oldest first; other folders there are left alone.
releases() { find "$1/releases" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9][0-9][0-9][0-9]+-[^/]*' -printf '%f\n' | sort -V; }

if [ "${1:-}" = "--rollback" ]; then
    [ $# -eq 2 ] || usage
    root=$(cd "$2" && pwd) || die "找不到 $2"
    lock "$root"
    now=$(current_name "$root")
    [ -n "$now" ] || die "$root/current 不存在,无从回滚"
    previous=$(releases "$root" | awk -v now="$now" '$0 == now { print prev; exit } { prev = $0 }')
    [ -n "$previous" ] || die "$now 之前没有可回滚的版本"
    switch_to "$root" "$previous"
    echo "已回滚:current -> releases/$previous(原为 $now)"
    exit 0
fi

[ $# -ge 2 ] && [ $# -le 3 ] || usage
site=$1 keep=${3:-5}
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || die "KEEP 应为正整数:$keep"
[ -f "$site/index.html" ] || die "$site 不是生成好的站点(没有 index.html);先运行 kb build --base-url /kb/"
[ -f "$site/404.html" ] || die "$site 缺少 404.html"
mkdir -p "$2/releases"
root=$(cd "$2" && pwd)
lock "$root"

# Release names: a sequence number (one more than the newest release, which pruning always keeps)
# then the time, e.g. 0042-20240612-093000; they sort in publishing order whatever the clock does.
latest=$(releases "$root" | tail -n 1)
num=${latest%%-*}
[[ "$num" =~ ^[0-9]+$ ]] || num=0
seq=$((10#$num + 1))
name=$(printf '%04d-%s' "$seq" "$(date +%Y%m%d-%H%M%S)")
[ ! -e "$root/releases/$name" ] || die "releases/$name 已存在"

incoming="$root/releases/.incoming-$name-$$"
trap 'rm -rf "$incoming" "$root/.current.new"' EXIT
mkdir "$incoming"
cp -R -p "$site/." "$incoming/"        # -p keeps timestamps: unchanged files keep their ETag
chmod -R a+rX "$incoming"               # nginx's worker user must read it
mv -T "$incoming" "$root/releases/$name" # the complete copy appears under its final name at once
switch_to "$root" "$name"
trap - EXIT
echo "已发布:current -> releases/$name"

# Keep the newest KEEP releases (and always the current one); delete older ones.
now=$(current_name "$root")
releases "$root" | head -n -"$keep" | while read -r old; do
    [ "$old" = "$now" ] || rm -rf "${root:?}/releases/$old"
done

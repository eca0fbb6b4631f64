/**
 * The shell scripts `WorkspaceFiles` runs inside the sandbox (POSIX sh, coreutils, findutils,
 * tar and git as the host has them). Their text is constant: paths and numbers arrive in the
 * environment (`PARLEY_ROOT`, `PARLEY_PATH`, `PARLEY_MAX_BYTES`, `PARLEY_MAX_ENTRIES`), never in
 * the command text. Every path is resolved with `realpath` (links included) and must stay under
 * the workspace; inside bubblewrap nothing else of the host is visible anyway, so this check gives
 * clear errors there and is the only (weaker, racy) confinement of the unsandboxed runner. A
 * refusal is one `parley-error:<reason>` line on standard error and exit status 90.
 */

/** Exit status of a script's refusal. */
export const refusalExitCode = 90;

/**
 * `fail`, `canonical` (realpath that keeps a trailing newline of a name: `${x%??}` drops the
 * `\nx` it appends), `root` (the workspace, canonical) and `inside`.
 */
const prelude = String.raw`
fail() { printf 'parley-error:%s\n' "$1" >&2; exit ${refusalExitCode}; }
canonical() { realpath "$1" -- "$2" 2>/dev/null && echo x; }
root=$(canonical -e "$PARLEY_ROOT") || fail unavailable
root=${'${root%??}'}
inside() { case "$1" in "$root"|"$root"/*) return 0 ;; esac; return 1; }
`;

/** Entries of a directory: `<type>/<name>` NUL-terminated (`%Y`: d, f, l, N for a broken link…). */
export const listScript = String.raw`${prelude}
target=$(canonical -e "$PARLEY_PATH") || exit 0
target=${'${target%??}'}
inside "$target" || fail outside
[ -d "$target" ] || exit 0
find "$target" -mindepth 1 -maxdepth 1 -printf '%Y/%f\0' | head -z -n "$PARLEY_MAX_ENTRIES"
`;

/** A regular file's bytes, at most PARLEY_MAX_BYTES (one more byte shows it grew meanwhile). */
export const readScript = String.raw`${prelude}
target=$(canonical -e "$PARLEY_PATH") || fail not_found
target=${'${target%??}'}
inside "$target" || fail outside
[ -d "$target" ] && fail directory
[ -f "$target" ] || fail not_regular
[ -r "$target" ] || fail unreadable
size=$(stat -L -c %s -- "$target") || fail not_found
[ "$size" -le "$PARLEY_MAX_BYTES" ] || fail too_large
exec head -c "$((PARLEY_MAX_BYTES + 1))" -- "$target"
`;

/** Standard input into a file, creating its parent directories; an existing file keeps its mode. */
export const writeScript = String.raw`${prelude}
target=$(canonical -m "$PARLEY_PATH") || fail not_directory
target=${'${target%??}'}
inside "$target" || fail outside
[ "$target" = "$root" ] && fail directory
[ -d "$target" ] && fail directory
parent=${'${target%/*}'}
mkdir -p -- "$parent" 2>/dev/null || fail not_directory
checked=$(canonical -e "$parent") || fail not_directory
checked=${'${checked%??}'}
inside "$checked" || fail outside
if [ -e "$target" ] && [ ! -f "$target" ]; then fail not_regular; fi
cat > "$target" || fail write_failed
`;

/** The workspace as a tar stream (links as links, hard links with their data), size-checked. */
export const archiveScript = String.raw`${prelude}
cd -- "$root" || fail unavailable
size=$(du -s -b -- . | cut -f1)
[ "$size" -le "$PARLEY_MAX_BYTES" ] || fail too_large
exec tar --create --file=- --format=posix --hard-dereference --warning=no-file-ignored \
  --warning=no-file-changed --warning=no-file-removed .
`;

/** `g`, `base_ref` (what changes are counted against) and a ceiling so git never looks above. */
const gitPrelude = String.raw`
ceiling=${'${root%/*}'}
[ -n "$ceiling" ] || ceiling=/
export GIT_CEILING_DIRECTORIES="$ceiling" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 GIT_OPTIONAL_LOCKS=0
g() { git -c core.quotepath=off -c safe.directory='*' --no-pager "$@"; }
base_ref() {
  branch=$(g rev-parse --abbrev-ref HEAD 2>/dev/null) &&
    g rev-parse -q --verify "refs/remotes/origin/$branch^{commit}" 2>/dev/null && return 0
  default=$(g symbolic-ref -q refs/remotes/origin/HEAD 2>/dev/null) && {
    g merge-base HEAD "$default" 2>/dev/null || g rev-parse -q --verify "$default^{commit}" 2>/dev/null
  } && return 0
  g rev-parse -q --verify 'HEAD^{commit}' 2>/dev/null && return 0
  g hash-object -t tree /dev/null
}
`;

/**
 * Changed files of the workspace's repository and of repositories one level down, as NUL-separated
 * pairs: `@repo`, the prefix; then `<status>`, the path (untracked files as `A`).
 */
export const gitChangesScript = String.raw`${prelude}
command -v git >/dev/null 2>&1 || exit 0
${gitPrelude}
repo_changes() {
  here=$(cd -- "$1" 2>/dev/null && pwd -P) || return 0
  inside "$here" || return 0
  top=$(cd -- "$here" && g rev-parse --show-toplevel 2>/dev/null) || return 0
  [ "$top" = "$here" ] || return 0
  (
    cd -- "$here" || exit 0
    ref=$(base_ref) || exit 0
    printf '@repo\0%s\0' "$2"
    g diff --name-status --no-renames --no-ext-diff --no-textconv -z "$ref" --
    g ls-files --others --exclude-standard -z | xargs -0 -r printf 'A\0%s\0'
  )
}
repo_changes "$root" ''
for directory in "$root"/*/; do
  [ -e "$directory.git" ] || continue
  name=${'${directory%/}'}
  repo_changes "$directory" "${'${name##*/}'}"
done
exit 0
`;

/**
 * A file against its repository's base: the original's size on a line (-1 when the base has no
 * such file), the original's bytes, then the file's bytes as they are now (none when deleted).
 */
export const gitDiffScript = String.raw`${prelude}
${gitPrelude}
target=$(canonical -m "$PARLEY_PATH") || fail not_found
target=${'${target%??}'}
inside "$target" || fail outside
[ "$target" = "$root" ] && fail directory
[ -d "$target" ] && fail directory
if [ -f "$target" ]; then
  size=$(stat -L -c %s -- "$target") || fail not_found
  [ "$size" -le "$PARLEY_MAX_BYTES" ] || fail too_large
fi
command -v git >/dev/null 2>&1 || fail no_repository
directory=${'${target%/*}'}
while :; do
  inside "$directory" || fail no_repository
  [ -e "$directory/.git" ] && break
  directory=${'${directory%/*}'}
done
cd -- "$directory" || fail no_repository
ref=$(base_ref) || fail no_repository
relative=${'${target#"$directory"/}'}
if [ "$(g cat-file -t "$ref:$relative" 2>/dev/null)" = blob ]; then
  printf '%s\n' "$(g cat-file -s "$ref:$relative")"
  g cat-file blob "$ref:$relative"
else
  printf -- '-1\n'
fi
if [ -f "$target" ]; then exec cat -- "$target"; fi
exit 0
`;

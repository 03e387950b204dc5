# Helpers shared by the bench scripts (sourced: . "$(dirname "${BASH_SOURCE[0]}")/lib.sh").

# wait_library_ready FILE [SECONDS]: a `lanspread serve` listens before its library is hashed and lists a
# game only once its manifest is ready, so waiting for the port is not enough: wait until its stdout (JSON
# events, redirected to FILE) reports LibraryReady, so timed gets neither race the hashing nor include it.
# Truncate FILE before starting the server (: >FILE), so a previous run's line does not count.
wait_library_ready() {
  local file=$1 limit=${2:-600} i
  for ((i = 0; i < limit * 10; i++)); do
    grep -q '"LibraryReady"' "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: no LibraryReady in $file after ${limit}s (the seeder did not finish hashing)" >&2
  return 1
}

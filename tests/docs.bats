#!/usr/bin/env bats
# The docs move with the code: every option that `sockit CMD --help`
# prints is documented in sockit-CMD(1) (the shared ones in sockit(1)
# too) and completed by the bash, zsh and fish completions, for that
# command and no other; every page is lint-clean; every command has a
# page.  --help is the reference: it is what the binary really takes.

load test_helper

SRC=$BATS_TEST_DIRNAME/..

# The options that `sockit CMD --help` lists, short and long, one a line:
# the first column of each option line, up to the description.
help_opts() {
	"$SOCKIT" "$1" --help | sed -n 's/^  *\(-.*\)$/\1/p' | sed 's/  .*//' |
	    grep -oE -- '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' | tr -d ' ,' |
	    sort -u
}

# The options a page's OPTIONS section lists in its .It lines.
page_opts() {
	awk '/^\.Sh / { sect = ($0 == ".Sh OPTIONS") }
	    sect && /^\.It / {
		for (i = 2; i < NF; i++)
			if ($i == "Fl")
				print "-" $(i + 1)
	    }' "$1" | sort -u
}

# The commands `sockit --help` lists, but help (described in sockit(1)).
help_commands() {
	"$SOCKIT" --help | awk '/^Commands:/ { c = 1; next }
	    c && /^$/ { exit }
	    c && $1 != "help" { print $1 }' | sort
}

# What the bash completion offers for the command line $1 (the cursor at
# its end), sorted, without bash-completion's helpers.
bash_complete() {
	bash -c '
		source "$1" || exit 1
		line=$2
		COMP_LINE=$line
		COMP_POINT=${#line}
		read -ra COMP_WORDS <<<"$line"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_sockit sockit "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$SRC/completions/sockit.bash" "$1" | sed '/^$/d' | sort -u
}

# What the fish completion offers for the command line $1: the
# candidates, without their descriptions.  A scratch HOME keeps the
# user's own fish configuration out.
fish_complete() {
	HOME=$T XDG_CONFIG_HOME=$T/config XDG_DATA_HOME=$T/data \
	    fish -c 'source $argv[1]; or exit 1; complete -C $argv[2]' \
	    "$SRC/completions/sockit.fish" "$1" | cut -f1 | sort -u
}

# The options the zsh completion gives _arguments for command $1: the
# file is run with _arguments replaced by a stub that prints its specs.
zsh_opts() {
	zsh -f -c '
		_arguments() {
			if [[ $1 == -C ]]; then state=args; return 0; fi
			print -rl -- "$@"
		}
		_message() { : }
		_describe() { : }
		words=($1)
		source "$2"
	' zsh "$1" "$SRC/completions/_sockit" | grep -F '[' |
	    sed -E 's/^\([^)]*\)//; s/^\*//' |
	    grep -oE -- '^--?[A-Za-z0-9][-A-Za-z0-9]*' | sort -u
}

# Every test looks at every command that `sockit --help` lists.
setup() {
	COMMANDS=$(help_commands)
	[ -n "$COMMANDS" ]
}

# same NAME WANT GOT: fail, showing both, unless the lists are equal.
same() {
	if [ "$2" != "$3" ]; then
		echo "$1: --help has (<) but the other has (>):" >&2
		diff <(echo "$2") <(echo "$3") >&2
		return 1
	fi
}

# lacks_line WORD: fail unless no line of $output is WORD.
lacks_line() {
	if grep -qx -- "$1" <<<"$output"; then
		echo "offered $1 among:" >&2
		echo "$output" >&2
		return 1
	fi
}

@test "every man page is clean under mandoc -Tlint -W warning" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	local page out
	for page in "$SRC"/man/*.1; do
		out=$(mandoc -Tlint -W warning "$page" 2>&1) || true
		if [ -n "$out" ]; then
			echo "$out" >&2
			return 1
		fi
	done
}

@test "sockit --help lists exactly the commands that have a page" {
	local cmds pages
	cmds=$(help_commands)
	[ -n "$cmds" ]
	pages=$(cd "$SRC/man" && ls sockit-*.1 | sed 's/^sockit-//; s/\.1$//' |
	    sort)
	same "commands" "$cmds" "$pages"
}

@test "Makefile.am installs every page" {
	local page
	for page in "$SRC"/man/*.1; do
		page=man/${page##*/}
		sed -n '/^dist_man_MANS/,/[^\\]$/p' "$SRC/Makefile.am" |
		    grep -qF -- "$page" || {
			echo "$page is not in dist_man_MANS" >&2
			return 1
		}
	done
}

@test "every sockit page that a page refers to exists" {
	local ref
	for ref in $(grep -ho '^\.Xr sockit[-a-z]* 1' "$SRC"/man/*.1 |
	    awk '{ print $2 }' | sort -u); do
		[ -f "$SRC/man/$ref.1" ] || {
			echo "no page $ref.1" >&2
			return 1
		}
	done
}

@test "each command's page documents exactly the options of its --help" {
	local cmd
	for cmd in $COMMANDS; do
		same "sockit-$cmd.1" "$(help_opts "$cmd")" \
		    "$(page_opts "$SRC/man/sockit-$cmd.1")"
	done
}

@test "sockit(1) documents every option that several commands take" {
	local all shared
	all=$(for cmd in $COMMANDS; do help_opts "$cmd"; done)
	# --recv-only is listen's and send's own, with two meanings.
	shared=$(echo "$all" | sort | uniq -d | grep -vx -- --recv-only)
	[ -n "$shared" ]
	same "sockit.1" "$shared" "$(page_opts "$SRC/man/sockit.1")"
}

@test "bash completion offers exactly each command's options" {
	local cmd
	for cmd in $COMMANDS; do
		same "bash: $cmd" "$(help_opts "$cmd")" \
		    "$(bash_complete "sockit $cmd -")"
	done
}

@test "zsh completion offers exactly each command's options" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	local cmd
	for cmd in $COMMANDS; do
		same "zsh: $cmd" "$(help_opts "$cmd")" "$(zsh_opts "$cmd")"
	done
}

@test "fish completion offers exactly each command's options" {
	command -v fish >/dev/null || skip "fish is not installed"
	local cmd
	for cmd in $COMMANDS; do
		same "fish: $cmd" "$(help_opts "$cmd")" \
		    "$(fish_complete "sockit $cmd -")"
	done
}

# Where zsh or fish is not installed, the tests above are skipped: at
# least every long option must be named in every completion file.
@test "every completion file names every long option" {
	local cmd opt file
	for cmd in $COMMANDS; do
		for opt in $(help_opts "$cmd" | grep -- '^--'); do
			for file in sockit.bash _sockit; do
				grep -qF -- "$opt" "$SRC/completions/$file" || {
					echo "$file lacks $opt" >&2
					return 1
				}
			done
			grep -qE -- "-l ${opt#--}( |\$)" \
			    "$SRC/completions/sockit.fish" || {
				echo "sockit.fish lacks $opt" >&2
				return 1
			}
		done
	done
}

@test "the bash completion parses" {
	run bash -n "$SRC/completions/sockit.bash"
	assert_success
	assert_output ''
}

@test "the zsh completion parses" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -n "$SRC/completions/_sockit"
	assert_success
	assert_output ''
}

@test "the fish completion parses" {
	command -v fish >/dev/null || skip "fish is not installed"
	run fish -n "$SRC/completions/sockit.fish"
	assert_success
	assert_output ''
}

@test "bash completes an option's argument only for a command that takes it" {
	run bash_complete "sockit listen --backend "
	assert_output $'epoll\nselect'
	run bash_complete "sockit send --backend "
	assert_output ''
	run bash_complete "sockit send --mode "
	assert_output ''
	run bash_complete "sockit relay --mode 6"
	assert_line 600
}

@test "bash completes the port of HOST PORT, but not for relay" {
	grep -q '^http[[:space:]]*80/tcp' /etc/services ||
	    skip "/etc/services has no http"
	run bash_complete "sockit send localhost ht"
	assert_line http
	run bash_complete "sockit listen -v localhost ht"
	assert_line http
	run bash_complete "sockit send 127.0.0.1:80 ht"
	lacks_line http
	run bash_complete "sockit relay localhost ht"
	lacks_line http
}

@test "fish completes the port of HOST PORT, but not for relay" {
	command -v fish >/dev/null || skip "fish is not installed"
	grep -q '^http[[:space:]]*80/tcp' /etc/services ||
	    skip "/etc/services has no http"
	run fish_complete "sockit send localhost ht"
	assert_line http
	run fish_complete "sockit listen -v localhost ht"
	assert_line http
	run fish_complete "sockit send 127.0.0.1:80 ht"
	lacks_line http
	run fish_complete "sockit relay localhost ht"
	lacks_line http
}

@test "every code fence of README.md is closed before the next heading" {
	# An unclosed fence renders the rest of the file as code.
	run awk '/^```/ { open = !open; at = FNR }
	    /^##+ / && open { print "fence of line " at " open at: " $0; bad = 1 }
	    END { if (open) print "fence of line " at " never closed"
		exit bad || open }' "$SRC/README.md"
	assert_success
	assert_output ''
}

# The options a page's SYNOPSIS names: each letter of a bundle such as
# "Fl 046kLuUv" and each long one ("Fl -ack"), one a line.
synopsis_opts() {
	awk '/^\.Sh / { s = ($0 == ".Sh SYNOPSIS"); next }
	    s { sub(/^\./, "")
		for (i = 1; i < NF; i++) {
			if ($i != "Fl")
				continue
			w = $(i + 1)
			if (w ~ /^-/)
				print "-" w
			else
				for (j = 1; j <= length(w); j++)
					print "-" substr(w, j, 1)
		} }' "$1" | sort -u
}

# The options of a page that its OPTIONS section says are refused or not
# used, which a SYNOPSIS need not show.
unused_opts() {
	awk '/^\.Sh / { sect = ($0 == ".Sh OPTIONS") }
	    sect && /^\.It / { it = $0; next }
	    sect && it != "" { if ($0 ~ /^(Refused|Not used)/) {
		n = split(it, f, " ")
		for (i = 2; i < n; i++)
			if (f[i] == "Fl")
				print "-" f[i + 1]
	    }; it = "" }' "$1"
}

@test "each page's SYNOPSIS names every option its command takes" {
	local cmd line w ok syn unused
	for cmd in $COMMANDS; do
		syn=$(synopsis_opts "$SRC/man/sockit-$cmd.1")
		unused=$(unused_opts "$SRC/man/sockit-$cmd.1")
		while read -r line; do
			ok=
			for w in $(sed 's/  .*//; s/,//g; s/\[=.*//' <<<"$line"); do
				[[ $w == -* ]] || continue
				grep -qxF -- "$w" <<<"$syn"$'\n'"$unused" && ok=1
			done
			[ -n "$ok" ] || {
				echo "sockit-$cmd.1 SYNOPSIS lacks $line" >&2
				return 1
			}
		done < <("$SOCKIT" "$cmd" --help | sed -n 's/^  *\(-.*\)$/\1/p' |
		    grep -vE -- '--(help|version)( |$)')
	done
}

@test "the pages say what sockit is now: UDP, TLS, proxies, ftp" {
	# Rendered text, where a claim that went stale is easiest to read.
	run sh -c "mandoc -Tascii '$SRC/man/sockit.1' | col -b"
	assert_success
	refute_output --partial 'no UDP'
	refute_output --partial 'no UDP, no TLS'
	refute_output --partial 'a -path'
	refute_output --partial 'password@host'
	assert_output --partial 'listen, echo, clock, relay, exec, ftp)'
	run grep -iE 'TCP and unix (stream )?sockets|Eight commands|No TLS' \
	    "$SRC/README.md"
	assert_failure
}

@test "no test asserts with a bare '! cmd' before its last line" {
	# errexit ignores a command negated with '!': anywhere but a test's
	# last line it can never fail the test.  'run ! cmd' can.
	run awk 'FNR == 1 { prev = "" }
	    /^[[:space:]]*$/ { next }
	    prev ~ /^[[:space:]]*! / && $0 !~ /^[[:space:]]*}[[:space:]]*$/ {
		print FILENAME ":" pl ": " prev }
	    { prev = $0; pl = FNR }' "$SRC"/tests/*.bats
	assert_success
	assert_output ''
}

# The packages an apt-get install line of FILE names, one a line.
apt_packages() {
	awk '/apt-get install/ { on = 1 }
	    on { for (i = 1; i <= NF; i++) {
		if (seen && $i ~ /^(&&|\|\||>)/) exit
		if (seen && $i ~ /^[a-z0-9][-a-z0-9.+]+$/) print $i
		if ($i == "install") seen = 1
	    } }' "$1" | sort -u
}

@test "README's Quick start installs what CI does and runs its test command" {
	local ci readme
	ci=$(apt_packages "$SRC/.ci/run")
	[ -n "$ci" ]
	readme=$(apt_packages "$SRC/README.md")
	run comm -23 <(echo "$ci") <(echo "$readme")
	assert_output ''
	grep -qE '^\s+make -j2 check ' "$SRC/.ci/run"
	run grep -A3 '^Command 2' "$SRC/README.md"
	assert_line 'make -j2 check'
}

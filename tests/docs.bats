#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# The docs move with the code: every option that `sockit CMD --help`
# prints is documented in sockit-CMD(1) (the shared ones in sockit(1)
# too) and completed by the bash, zsh and fish completions, for that
# command and no other; every page is lint-clean; every command has a
# page.  --help is the reference: it is what the binary really takes.

load test_helper

bats_require_minimum_version 1.5.0

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
# file is run with _arguments replaced by a stub that prints its specs
# (and, for -C, moves past the command name as '*::' does).
zsh_opts() {
	zsh -f -c '
		_arguments() {
			if [[ $1 == -C ]]; then
				state=args
				words=(${words[2,-1]})
				return 0
			fi
			print -rl -- "$@"
		}
		_call_program() { shift; "$@" }
		_message() { : }
		_describe() { : }
		words=(sockit $1)
		source "$2"
	' zsh "$1" "$SRC/completions/_sockit" | grep -F '[' |
	    sed -E 's/^\([^)]*\)//; s/^\*//' |
	    grep -oE -- '^--?[A-Za-z0-9][-A-Za-z0-9]*' | sort -u
}

# Every test looks at every command that `sockit --help` lists.  The
# completions ask `sockit help --options`: the sockit under test is the
# one on PATH.
setup() {
	COMMANDS=$(help_commands)
	[ -n "$COMMANDS" ]
	mkdir -p "$T/bin"
	ln -sf "$SOCKIT" "$T/bin/sockit"
	PATH=$T/bin:$PATH
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
	# nc's letters are netcat's, documented in sockit-nc(1) alone.
	all=$(for cmd in $COMMANDS; do
		[ "$cmd" = nc ] || help_opts "$cmd"
	done)
	# --recv-only is listen's and send's own, with two meanings.
	shared=$(echo "$all" | sort | uniq -d | grep -vx -- --recv-only)
	[ -n "$shared" ]
	same "sockit.1" "$shared" "$(page_opts "$SRC/man/sockit.1")"
}

@test "bash completion offers exactly each command's options" {
	local cmd
	for cmd in $COMMANDS; do
		# (--hexdump= too, where the value is optional)
		same "bash: $cmd" "$(help_opts "$cmd")" \
		    "$(bash_complete "sockit $cmd -" | grep -v '=$')"
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
		    "$(fish_complete "sockit $cmd -" | grep -v '=$')"
	done
}

@test "sockit help --options prints exactly the options of --help" {
	local cmd
	for cmd in $COMMANDS; do
		same "help --options $cmd" "$(help_opts "$cmd")" \
		    "$("$SOCKIT" help --options "$cmd" | cut -f1 |
		    grep -oE -- '(^| )--?[A-Za-z0-9][-A-Za-z0-9]*' | tr -d ' ' |
		    sort -u)"
	done
	run "$SOCKIT" help --options send
	assert_line --regexp $'^--progress\\[=always\\]\t'
	assert_line --regexp $'^--quit-after -q DUR\t'
	run "$SOCKIT" help --options listen
	assert_line --regexp $'^--backend select\\|epoll\t'
	assert_line --regexp $'^-4\t'
	run -2 "$SOCKIT" help --options nosuch
	run -2 "$SOCKIT" help --options
}

# The completions take the options from `sockit help --options`: none
# of them lists a command's options itself (only -U, --cert and --udp,
# which tell the kinds of address a command takes).
@test "no completion file lists options of its own" {
	local cmd opt file
	for cmd in $COMMANDS; do
		for opt in $(help_opts "$cmd" | grep -- '^--' |
		    grep -vxE -- '--(unix|cert|udp|text|help|version)'); do
			for file in sockit.bash _sockit sockit.fish; do
				if grep -qE -- "$opt([^-a-z]|\$)|complete .* -l ${opt#--}( |\$)" \
				    "$SRC/completions/$file"; then
					echo "$file names $opt" >&2
					return 1
				fi
			done
		done
	done
}

# Each value set of --help ("select|epoll", "[=always]") is in the .It
# line of its option in the command's page.
@test "each command's page has the values of every option that has a set" {
	local cmd line opt values v it
	for cmd in $COMMANDS; do
		while IFS=$'\t' read -r line _; do
			values=${line##* }
			[[ $values == *[A-Z]* || $values == -* ]] && continue
			opt=${line%% *}
			opt=${opt%%\[*}
			values=${values#*[}
			values=${values#=}
			values=${values%]}
			it=$(grep -E -- "^\.It .*Fl ${opt#-}( |\$)" \
			    "$SRC/man/sockit-$cmd.1")
			for v in ${values//|/ }; do
				grep -qE -- "(Cm|Ar|Li|[|]) $v( |\$)" <<<"$it" || {
					echo "sockit-$cmd.1: $opt lacks $v: $it" >&2
					return 1
				}
			done
		done < <("$SOCKIT" help --options "$cmd")
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

# What zsh, interactive on a pseudo-terminal with compinit and _sockit,
# completes for the line $1: the candidates, one a line, and "ERR:" with
# any other line the completion printed, such as an error.
zsh_complete() {
	cat >"$T/zcomp.zsh" <<'ZSH'
zmodload zsh/zpty || exit 1
# upto PATTERN: read the terminal until PATTERN shows (30 s at most).
upto() {
	local chunk
	integer i=0
	out=
	while (( i++ < 600 )); do
		if zpty -r -t z chunk; then
			out+=$chunk
			[[ $out == $~1 ]] && return 0
		else
			sleep 0.05
		fi
	done
	print -r -- "ERR: no $1 in: $out"
	return 1
}
zpty z zsh -f -i
zpty -w z "PROMPT= ; RPROMPT= ; fpath=(${(q)1} \$fpath)"
zpty -w z "autoload -Uz compinit; compinit -u -D"
# Each candidate added is printed between markers.
zpty -w z 'compadd() { local -a h; builtin compadd -O h "$@";
	builtin compadd "$@"; local x; for x in $h; do print -r -- "<C>$x</C>"; done }'
zpty -w z 'comptest() { print "<B""EGIN>"; zle complete-word; print "<E""ND>" }'
zpty -w z 'zle -N comptest; bindkey "^I" comptest; exec 2>&1; print RE""ADY'
upto '*READY*' || exit 1
zpty -n -w z "$2"$'\t'
upto '*<END>*' || exit 1
zpty -d z
out=${${${out//$'\r'/}#*'<BEGIN>'}%%'<END>'*}
for l in ${(f)out}; do
	if [[ $l == *'<C>'*'</C>'* ]]; then
		l=${l#*'<C>'}
		print -r -- ${l%%'</C>'*}
	elif [[ $l == *[[:alnum:]]* ]]; then
		print -r -- "ERR:$l"
	fi
done
ZSH
	(cd "$T" && HOME=$T zsh -f "$T/zcomp.zsh" "$SRC/completions" "$1") |
	    sort -u
}

@test "zsh completes --ca to --cacert and prints no error" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh_complete "sockit send --ca"
	assert_output -- --cacert
}

@test "bash completes files after --cacert, --cert, --key and --hexdump=" {
	touch "$T/ca.pem" "$T/cert.pem" "$T/key.pem" "$T/dump.log"
	cd "$T"
	run bash_complete "sockit send --cacert c"
	assert_output $'ca.pem\ncert.pem'
	run bash_complete "sockit listen --cert ce"
	assert_output cert.pem
	run bash_complete "sockit echo --cert x.pem --key k"
	assert_output key.pem
	run bash_complete "sockit relay --hexdump=d"
	assert_output dump.log
	run bash_complete "sockit send --hexdump d"	# a value only after =
	refute_output --partial dump.log
}

@test "every shell offers tls: where the command takes TLS, and not else" {
	run bash_complete "sockit send t"
	assert_line tls:
	run bash_complete "sockit wait t"
	assert_line tls:
	run bash_complete "sockit clock u"	# clock takes no datagrams
	refute_line udp:
	run bash_complete "sockit listen tls:u"	# readline shows past the ':'
	assert_output unix:
	if command -v fish >/dev/null; then
		run fish_complete "sockit echo t"
		assert_line tls:
		run fish_complete "sockit relay tls:"
		assert_line tls:unix:
		run fish_complete "sockit wall t"
		assert_line tls:
	fi
	if command -v zsh >/dev/null; then
		run zsh_complete "sockit exec t"
		assert_line tls:
		refute_line --partial ERR
		run zsh_complete "sockit wait t"
		assert_line tls:
		run zsh_complete "sockit clock u"
		refute_line udp:
	fi
}

@test "every shell offers ws:// where the command takes WebSocket, and not else" {
	run bash_complete "sockit send w"
	assert_line ws://
	assert_line wss://
	assert_line ws+unix:
	run bash_complete "sockit ftp w"
	refute_output --partial ws://
	if command -v fish >/dev/null; then
		run fish_complete "sockit relay w"
		assert_line ws://
		run fish_complete "sockit ftp w"
		refute_output --partial ws://
	fi
	if command -v zsh >/dev/null; then
		run zsh_complete "sockit echo w"
		assert_line --partial ws://
		refute_line --partial ERR
	fi
}

@test "every shell completes --progress= with its value always" {
	run bash_complete "sockit send --progress="
	assert_output always
	run bash_complete "sockit listen --pro"
	assert_output $'--progress\n--progress='
	if command -v fish >/dev/null; then
		run fish_complete "sockit listen --progress="
		assert_output --progress=always
	fi
	if command -v zsh >/dev/null; then
		run zsh_complete "sockit send --progress="
		assert_output always
	fi
}

# Every sockit command line in the examples of the pages (as rendered)
# and in README.md's code blocks parses: only options its command takes,
# each with a value where it needs one, a value of the option's set, and
# no escapes in -m, which sends its text as it is.
@test "every example command in the man pages and README parses" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	run python3 - "$SOCKIT" "$SRC/README.md" "$SRC"/man/*.1 <<'PY'
# examples.py SOCKIT FILE...: every sockit command line in the examples
# of man pages (rendered) and README.md code blocks must parse: options
# the command takes, with their values; a value set respected; no
# escapes in -m.  Prints one line per problem.
import os, re, shlex, subprocess, sys

sockit, files = sys.argv[1], sys.argv[2:]
specs = {}

def options(cmd):
    if cmd not in specs:
        out = subprocess.run([sockit, "help", "--options", cmd],
                             capture_output=True, text=True)
        opts = {}
        for line in out.stdout.splitlines():
            words = line.split("\t")[0].split(" ")
            arg = None
            names = []
            for w in words:
                if w.startswith("--") and "[=" in w:
                    names.append(w[:w.index("[")])
                    arg = w[w.index("["):]
                elif w.startswith("-"):
                    names.append(w)
                else:
                    arg = w
            for n in names:
                opts[n] = arg
        specs[cmd] = opts if out.returncode == 0 else None
    return specs[cmd]

def lines(path):
    if path.endswith(".md"):
        code = False
        for n, l in enumerate(open(path), 1):
            if l.startswith("```"):
                code = not code
            elif code:
                yield n, l.rstrip("\n")
        return
    text = subprocess.run("mandoc -Tascii '%s' | col -b" % path, shell=True,
                          capture_output=True, text=True).stdout
    cont = False
    for n, l in enumerate(text.splitlines(), 1):
        # A display: a tab and three spaces, or a "$ " prompt; and the
        # line after one that ends with a backslash.
        if cont or re.match(r"^\t   (\$ )?\S", l) or re.match(r"^\s+\$ ", l):
            yield n, re.sub(r"^\s*\$ ", "", l).strip()
        cont = l.endswith("\\")

def check(cmd, args, where):
    opts = options(cmd)
    if opts is None:
        return ["%s: no command %s" % (where, cmd)]
    bad, i = [], 0
    while i < len(args):
        a, i, val = args[i], i + 1, None
        if a == "--":
            break
        if not a.startswith("-") or a == "-":
            continue
        if a.startswith("--"):
            name, eq, val = a.partition("=")
            val = val if eq else None
            if name not in opts:
                bad.append("%s: %s %s: no option %s" % (where, cmd, a, name))
                continue
            arg = opts[name]
            if arg is None and eq:
                bad.append("%s: %s takes no value" % (where, name))
            if arg is not None and not arg.startswith("[") and not eq:
                if i >= len(args):
                    bad.append("%s: %s needs a value" % (where, name))
                    continue
                val, i = args[i], i + 1
        else:
            for j, c in enumerate(a[1:], 1):
                name = "-" + c
                if name not in opts:
                    bad.append("%s: %s %s: no option %s" % (where, cmd, a, name))
                    break
                arg = opts[name]
                if arg is not None:
                    val = a[j + 1:]
                    if not val:
                        if i >= len(args):
                            bad.append("%s: %s needs a value" % (where, name))
                            break
                        val, i = args[i], i + 1
                    break
            else:
                continue
        if val is None:
            continue
        if arg and not re.search("[A-Z]", arg):
            values = arg.strip("[=]").split("|")
            if val not in values:
                bad.append("%s: %s %s: not one of %s" % (where, name, val, values))
        if name in ("-m", "--message") and "\\" in val:
            bad.append("%s: -m %s: -m takes no escapes" % (where, val))
    return bad

for path in files:
    pending = ""
    for n, l in lines(path):
        if l.endswith("\\"):
            pending += l[:-1] + " "
            continue
        l, pending = pending + l, ""
        try:
            toks = shlex.split(l, comments=True)
        except ValueError:
            continue
        for k, t in enumerate(toks):
            if os.path.basename(t) != "sockit" or k + 1 >= len(toks):
                continue
            args = []
            for a in toks[k + 1:]:
                if a in ("|", "||", "&&", ";", "&") or re.match(r"^\d*[<>]", a):
                    break
                if a.endswith(";"):
                    args.append(a[:-1])
                    break
                args.append(a)
            if args and not args[0].startswith("-") and args[0] != "help":
                where = "%s:%d" % (os.path.basename(path), n)
                for b in check(args[0], args[1:], where):
                    print(b)
PY
	assert_success
	assert_output ''
}

# sockit(1) heads the options that several commands share with the
# commands that take them, as "Server options (listen, echo, ...)": the
# list names exactly the commands that take the first option below it
# (a later one may say it is narrower, as --progress, or be another
# thing elsewhere, as -w, a server's handshake timeout).
@test "sockit(1)'s option sections name the commands that take them" {
	local head list opts cmd want o
	while IFS='|' read -r head list opts; do
		want=
		for cmd in $COMMANDS; do
			[ "$cmd" = nc ] && continue	# netcat's letters
			for o in $opts; do
				if "$SOCKIT" help --options "$cmd" | cut -f1 |
				    grep -qE -- "(^| )$o(\[| |\$)"; then
					want+="$cmd "
					break
				fi
			done
		done
		same "sockit.1 $head" "$(tr ' ' '\n' <<<"$want" | sed '/^$/d' |
		    sort)" "$(tr -d ' ' <<<"$list" | tr ',' '\n' | sort)"
	done < <(awk '/^\.Sh / { if (h != "") print h "|" l "|" o; h = "" }
	    /^\.Ss .*\(.*\)$/ { if (h != "") print h "|" l "|" o
		h = $0; sub(/ *\(.*/, "", h); sub(/^\.Ss /, "", h)
		l = $0; sub(/.*\(/, "", l); sub(/\)$/, "", l); o = ""; next }
	    h != "" && o == "" && /^\.It Fl / { o = "-" $3 }
	    END { if (h != "") print h "|" l "|" o }' "$SRC/man/sockit.1")
}

@test "every shell offers serial: for send and relay's TARGET only, and completes /dev/tty*" {
	local dev
	dev=$(compgen -G '/dev/tty*' | head -1)
	[ -n "$dev" ]
	run bash_complete "sockit send s"
	assert_line serial:
	run bash_complete "sockit relay 127.0.0.1:0 s"
	assert_line serial:
	run bash_complete "sockit relay s"
	refute_output --partial serial:
	run bash_complete "sockit listen s"
	refute_output --partial serial:
	run bash_complete "sockit send serial:/dev/tt"
	assert_line "$dev"	# readline shows past the last colon
	if command -v fish >/dev/null; then
		run fish_complete "sockit send s"
		assert_line serial:
		run fish_complete "sockit echo s"
		refute_output --partial serial:
		run fish_complete "sockit relay :0 serial:/dev/tt"
		assert_line "serial:$dev"
	fi
	if command -v zsh >/dev/null; then
		run zsh_complete "sockit send s"
		assert_line serial:
		refute_line --partial ERR
		run zsh_complete "sockit wait s"
		refute_output --partial serial:
		run zsh_complete "sockit send serial:/dev/tt"
		assert_line "$dev"
	fi
}

@test "every shell offers pty: for relay's LISTEN only" {
	run bash_complete "sockit relay p"
	assert_line pty:
	run bash_complete "sockit relay :0 p"
	refute_output --partial pty:
	run bash_complete "sockit listen p"
	refute_output --partial pty:
	if command -v fish >/dev/null; then
		run fish_complete "sockit relay p"
		assert_line pty:
		run fish_complete "sockit send p"
		refute_output --partial pty:
	fi
	if command -v zsh >/dev/null; then
		run zsh_complete "sockit relay p"
		assert_line pty:
		refute_line --partial ERR
		run zsh_complete "sockit echo p"
		refute_output --partial pty:
	fi
}

# bash completion for sockit(1)                            -*- shell-script -*-
#
# Installed as "sockit" in bash-completion's completionsdir, where it is
# loaded on demand.  It also works when sourced directly, with or without
# the bash-completion package.

# Options by group, as sockit(1) lists them.
_sockit_opts_common='-4 -6 -U --unix -i --idle-timeout -v --verbose
	-h --help -V --version'
_sockit_opts_delim='-d --delimiter -0 --null'
_sockit_opts_server='-x --max-conns --mode --allow-uid --backend --ready-fd
	-k --keep-open'
_sockit_opts_client='-w --wait -s --source'
_sockit_opts_tls='--cert --key --cacert --alpn'
_sockit_opts_tls_client='--insecure --servername'
_sockit_opts_tls_server='--self-signed --verify-client'
_sockit_opts_watch='--hexdump'
_sockit_opts_dgram='-u --udp'
_sockit_opts_listen='--output-delimiter -L --label --recv-only -1 --once
	--progress --ack'
_sockit_opts_send='-m --message --send-only --recv-only -N --shutdown
	--proxy --progress -z --zero-io -q --quit-after -C --crlf'
_sockit_opts_wait='-t --timeout --closed --proxy'
_sockit_opts_clock='-f --format -I --interval --utc -c --count'
_sockit_opts_wall='-I --interval -c --count'
_sockit_opts_ftp='-r --root --user --write -w --wait'

# Options that take an argument.
_sockit_opts_arg='-d --delimiter -i --idle-timeout -x --max-conns --mode
	--allow-uid --backend --ready-fd -w --wait --output-delimiter
	-m --message -f --format -I --interval -c --count --proxy --ack -q --quit-after
	-s --source -t --timeout --cert --key --cacert --alpn --servername -r --root --user'

_sockit_commands='listen send echo clock relay wall exec wait ftp help'

# Print the options of command $1.
_sockit_options()
{
	# A TLS server's -w is its handshake timeout.
	local tls_server="--tls $_sockit_opts_tls $_sockit_opts_tls_server"
	tls_server+=" -w --wait"	# the handshake timeout
	case $1 in
	listen)	echo "$_sockit_opts_common $_sockit_opts_delim" \
		    "$_sockit_opts_server $_sockit_opts_listen" \
		    "$_sockit_opts_watch $_sockit_opts_dgram $tls_server" ;;
	send)	echo "$_sockit_opts_common $_sockit_opts_delim" \
		    "$_sockit_opts_client $_sockit_opts_send" \
		    "$_sockit_opts_watch $_sockit_opts_dgram" \
		    "--tls $_sockit_opts_tls $_sockit_opts_tls_client" ;;
	echo)	echo "$_sockit_opts_common $_sockit_opts_delim" \
		    "$_sockit_opts_server $_sockit_opts_watch $_sockit_opts_dgram" \
		    "$tls_server" ;;
	clock)	echo "$_sockit_opts_common $_sockit_opts_delim" \
		    "$_sockit_opts_server $_sockit_opts_clock $tls_server" ;;
	relay)	echo "$_sockit_opts_common $_sockit_opts_server" \
		    "$_sockit_opts_client $_sockit_opts_watch --proxy" \
		    "$_sockit_opts_dgram $_sockit_opts_tls $_sockit_opts_tls_client" \
		    "$_sockit_opts_tls_server" ;;
	wall)	echo "$_sockit_opts_common $_sockit_opts_delim" \
		    "$_sockit_opts_client $_sockit_opts_wall" \
		    "--tls $_sockit_opts_tls $_sockit_opts_tls_client" ;;
	exec)	echo "$_sockit_opts_common $_sockit_opts_server" \
		    "$_sockit_opts_watch $tls_server" ;;
	wait)	echo "$_sockit_opts_common $_sockit_opts_client" \
		    "$_sockit_opts_wait" \
		    "--tls $_sockit_opts_tls $_sockit_opts_tls_client" ;;
	ftp)	echo "$_sockit_opts_common $_sockit_opts_server" \
		    "$_sockit_opts_ftp" ;;
	esac
}

# Is $1 an option that takes an argument?
_sockit_takes_arg()
{
	local o
	for o in $_sockit_opts_arg; do
		[[ $1 == "$o" ]] && return 0
	done
	return 1
}

# Readline completes only what follows the last colon of the word when
# ':' is in COMP_WORDBREAKS: take "unix:" off the candidates (as
# __ltrim_colon_completions of bash-completion does).
_sockit_ltrim_colon()
{
	local colon_word i

	[[ $1 == *:* && $COMP_WORDBREAKS == *:* ]] || return
	colon_word=${1%"${1##*:}"}
	for i in "${!COMPREPLY[@]}"; do
		COMPREPLY[i]=${COMPREPLY[i]#"$colon_word"}
	done
}

# Complete an address: unix socket files and directories, with or without
# the unix: prefix, and the address prefixes themselves.  $1 is the word,
# $2 is non-empty when -U was given (the word is a path, nothing else).
_sockit_address()
{
	local cur=$1 unix=$2 prefix= path f
	local -a cands

	if [[ -z $unix && $cur == unix:* ]]; then
		prefix=unix:
		path=${cur#unix:}
	elif [[ -n $unix || $cur == */* || $cur == .* || $cur == \~* ]]; then
		path=$cur
	else
		# A TCP address, a port or the start of a path.
		path=$cur
		COMPREPLY+=($(compgen -W 'unix: tcp: tcp4: tcp6: udp: udp4: udp6: unixgram: @' -- "$cur"))
	fi
	[[ $path == @* ]] && return	# abstract name: nothing to list

	# Sockets, and directories to descend into.
	while IFS= read -r f; do
		if [[ -d $f ]]; then
			cands+=("$prefix$f/")
		elif [[ -S $f ]]; then
			cands+=("$prefix$f")
		fi
	done < <(compgen -f -- "$path")
	COMPREPLY+=("${cands[@]}")

	# No space after a prefix or a directory: the word goes on.
	if [[ ${#COMPREPLY[@]} -gt 0 ]]; then
		for f in "${COMPREPLY[@]}"; do
			case $f in
			*/|*:|@) compopt -o nospace 2>/dev/null; break ;;
			esac
		done
	fi
}

_sockit()
{
	local cur prev cword split=false
	local -a words

	COMPREPLY=()
	if declare -F _init_completion >/dev/null 2>&1; then
		# -n : keeps unix:/path and host:port in one word; -s splits
		# --option=value.
		_init_completion -s -n : || return
	else
		# No bash-completion: split the line on blanks only, so that
		# "unix:/path" stays one word as above.
		local line=${COMP_LINE:0:COMP_POINT}
		read -ra words <<<"$line"
		if [[ $line == *[[:blank:]] ]]; then
			words+=("")
		fi
		cword=$((${#words[@]} - 1))
		cur=${words[cword]}
		prev=${words[cword-1]}
		if [[ $cur == --*=* ]]; then
			prev=${cur%%=*}
			cur=${cur#*=}
			split=true
		fi
	fi

	# Find the command and count the operands before the cursor.
	local cmd= i w nargs=0 unix= first=
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ -z $cmd ]]; then
			[[ $w != -* ]] && cmd=$w
			continue
		fi
		case $w in
		--)	# exec, wait: PROGRAM and its arguments follow.
			COMPREPLY=($(compgen -c -- "$cur"))
			((i == cword - 1)) || COMPREPLY=($(compgen -f -- "$cur"))
			return ;;
		--*=*)	;;
		-U|--unix)	unix=1 ;;
		-?*)	# A bundle such as -vU, or -d'\n': look at its letters.
			[[ $w != --* && $w == -*U* ]] && unix=1
			if _sockit_takes_arg "$w"; then
				((i++))
			elif [[ $w != --* && ${#w} -gt 2 ]]; then
				# -vd DELIM: the last letter may take an argument.
				_sockit_takes_arg "-${w: -1}" && ((i++))
			fi ;;
		*)	((nargs++ == 0)) && first=$w ;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_sockit_commands" -- "$cur"))
		fi
		return
	fi

	if [[ $cmd == help ]]; then
		((nargs == 0)) &&
		    COMPREPLY=($(compgen -W "$_sockit_commands" -- "$cur"))
		return
	fi

	# The argument of an option, offered only if this command takes the
	# option: "send --backend" is an error, not a place for backends.
	if _sockit_takes_arg "$prev"; then
		local opts=" $(echo $(_sockit_options "$cmd")) "
		[[ $opts == *" $prev "* ]] || return
		case $prev in
		--backend)
			COMPREPLY=($(compgen -W 'select epoll' -- "$cur")) ;;
		--allow-uid)
			COMPREPLY=($(compgen -u -- "$cur")) ;;
		-r|--root)
			COMPREPLY=($(compgen -d -- "$cur")) ;;
		--mode)
			COMPREPLY=($(compgen -W '600 660 666 700 770' -- "$cur")) ;;
		--proxy)
			COMPREPLY=($(compgen -W 'socks5:// socks5h:// http://' \
			    -- "$cur"))
			compopt -o nospace 2>/dev/null ;;
		-d|--delimiter|--output-delimiter)
			# The common delimiters, quoted for the shell.
			[[ -z $cur ]] &&
			    COMPREPLY=("'\\n'" "'\\r\\n'" "'\\0'" "'\\t'") ;;
		esac
		# Anything else is a duration, a format, a number or text.
		return
	fi
	[[ $split == true ]] && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_sockit_options "$cmd")" -- "$cur"))
		return
	fi

	case $cmd in
	relay)
		((nargs < 2)) && _sockit_address "$cur" "$unix" ;;
	wall)	# [NAME=]ADDRESS, as many as wanted
		[[ $cur != *=* ]] && _sockit_address "$cur" "$unix" ;;
	wait)
		_sockit_address "$cur" "$unix" ;;
	listen|send|echo|clock|exec|ftp)
		if ((nargs == 0)); then
			_sockit_address "$cur" "$unix"
		elif ((nargs == 1)) && [[ -z $unix && $first != *[:/]* &&
		    $first != @* && $first == *[!0-9]* ]]; then
			# HOST PORT: the port, as a number or a service name.
			COMPREPLY=($(compgen -W "$(awk '/^[a-z]/ && $2 ~ /\/tcp$/ {
			    print $1 }' /etc/services 2>/dev/null)" -- "$cur"))
		fi ;;
	esac

	_sockit_ltrim_colon "$cur"
}

complete -F _sockit sockit

# ex: filetype=sh

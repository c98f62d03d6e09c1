# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# bash completion for sockit(1)                            -*- shell-script -*-
#
# Installed as "sockit" in bash-completion's completionsdir, where it is
# loaded on demand.  It also works when sourced directly, with or without
# the bash-completion package.
#
# The options are not listed here: `sockit help --options COMMAND` prints
# them, one a line ("--long -s ARG<tab>help"), and is asked once per
# command and shell.  What is known here is how to complete an argument
# by its name (FILE, DIR, UID...) and the forms of an address.

_sockit_commands='listen send echo clock relay wall exec wait ftp nc help'

declare -gA _sockit_optcache 2>/dev/null

# Print the option lines of command $2, asking sockit $1 the first time.
_sockit_optlines()
{
	if [[ -z ${_sockit_optcache[$2]+set} ]]; then
		_sockit_optcache[$2]=$("$1" help --options "$2" 2>/dev/null)
	fi
	printf '%s\n' "${_sockit_optcache[$2]}"
}

# Print the option words of command $2 (sockit $1): -s and --long, and
# --long= for an option whose value is optional.
_sockit_options()
{
	local line w
	local -a ws
	while IFS=$'\t' read -r line _; do
		read -ra ws <<<"$line"	# no glob: "--long[=value]"
		for w in "${ws[@]}"; do
			case $w in
			--*\[=*)	echo "${w%%\[*}"; echo "${w%%\[*}=" ;;
			-*)	printf "%s\n" "$w" ;;
			esac
		done
	done < <(_sockit_optlines "$1" "$2")
}

# Print the argument name of option $3 of command $2 (sockit $1):
# "DUR", "select|epoll", "[=FILE]"; nothing and status 1 if the option
# takes none or the command does not take it.
_sockit_argname()
{
	local line w found
	local -a ws
	while IFS=$'\t' read -r line _; do
		found=
		read -ra ws <<<"$line"
		for w in "${ws[@]}"; do
			case $w in
			"$3")	found=1 ;;
			"$3"\[=*)	echo "${w#"$3"}"; return 0 ;;
			-*)	;;
			*)	[[ -n $found ]] && { echo "$w"; return 0; } ;;
			esac
		done
	done < <(_sockit_optlines "$1" "$2")
	return 1
}

# Complete the value $3 of an option whose argument is named $1 (the
# forms of _sockit_argname, without "[=" and "]").
_sockit_optarg()
{
	local arg=$1 cur=$2
	case $arg in
	*[A-Z]*)	;;
	*)	# no capital: the values it takes
		COMPREPLY=($(compgen -W "${arg//|/ }" -- "$cur"))
		return ;;
	esac
	case $arg in
	FILE)	COMPREPLY=($(compgen -f -- "$cur")) ;;
	DIR)	COMPREPLY=($(compgen -d -- "$cur")) ;;
	UID)	COMPREPLY=($(compgen -u -- "$cur")) ;;
	NAME)	COMPREPLY=($(compgen -A hostname -- "$cur")) ;;
	MODE)	COMPREPLY=($(compgen -W '600 660 666 700 770' -- "$cur")) ;;
	URL)	COMPREPLY=($(compgen -W 'socks5:// socks5h:// http://' \
		    -- "$cur"))
		compopt -o nospace 2>/dev/null ;;
	D|DELIM)
		# The common delimiters, quoted for the shell.
		[[ -z $cur ]] &&
		    COMPREPLY=("'\\n'" "'\\r\\n'" "'\\0'" "'\\t'") ;;
	esac
	# Anything else is a duration, a format, a number or text.
	[[ $arg == FILE || $arg == DIR ]] && compopt -o filenames 2>/dev/null
	return 0
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
# the unix: prefix, and the address prefixes themselves: tls: where the
# command takes --cert (TLS), udp: and unixgram: where it takes --udp,
# ws:// wss:// ws+unix: where it takes --text (WebSocket).
# $1 is the word, $2 is non-empty when -U was given (the word is a path,
# nothing else), $3 the command's option words, $4 "serial" where a
# serial device may go (serial: completes the /dev/tty* devices), "pty"
# where a pty: link may (relay's LISTEN).
_sockit_address()
{
	local cur=$1 unix=$2 opts=" $3 " tls= prefix= path f
	local -a cands prefixes=(unix: tcp: tcp4: tcp6: @)

	if [[ -z $unix && $4 == serial ]]; then
		if [[ $cur == serial:* ]]; then
			COMPREPLY=($(compgen -P serial: -W \
			    "$(compgen -G '/dev/tty*')" -- "${cur#serial:}"))
			return
		fi
		prefixes+=(serial:)
	fi
	if [[ -z $unix && $4 == pty ]]; then
		if [[ $cur == pty:* ]]; then
			COMPREPLY=($(compgen -P pty: -f -- "${cur#pty:}"))
			return
		fi
		prefixes+=(pty:)
	fi

	if [[ -z $unix && $cur == tls:* && $opts == *" --cert "* ]]; then
		tls=tls:
		cur=${cur#tls:}
	elif [[ $opts == *" --cert "* ]]; then
		prefixes+=(tls:)
	fi
	[[ -z $tls && $opts == *" --udp "* ]] &&
	    prefixes+=(udp: udp4: udp6: unixgram:)
	[[ -z $tls && $opts == *" --text "* ]] &&
	    prefixes+=(ws:// wss:// ws+unix:)

	if [[ -z $unix && $cur == unix:* ]]; then
		prefix=unix:
		path=${cur#unix:}
	elif [[ -n $unix || $cur == */* || $cur == .* || $cur == \~* ]]; then
		path=$cur
	else
		# A TCP address, a port or the start of a path.
		path=$cur
		COMPREPLY+=($(compgen -P "$tls" -W "${prefixes[*]}" -- "$cur"))
	fi
	[[ $path == @* ]] && return	# abstract name: nothing to list

	# Sockets, and directories to descend into.
	while IFS= read -r f; do
		if [[ -d $f ]]; then
			cands+=("$tls$prefix$f/")
		elif [[ -S $f ]]; then
			cands+=("$tls$prefix$f")
		fi
	done < <(compgen -f -- "$path")
	COMPREPLY+=("${cands[@]}")

	# No space after a prefix or a directory: the word goes on.
	if [[ ${#COMPREPLY[@]} -gt 0 ]]; then
		for f in "${COMPREPLY[@]}"; do
			case $f in
			*/|*:|*@) compopt -o nospace 2>/dev/null; break ;;
			esac
		done
	fi
}

_sockit()
{
	local cur prev cword split=false bin=${1/#\~/$HOME}
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

	# The command: the first word that is not an option.
	local cmd= i j w p nargs=0 unix= first= opts arg
	for ((i = 1; i < cword; i++)); do
		[[ ${words[i]} != -* ]] && { cmd=${words[i]}; break; }
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
		[[ $cur == -* && $cword -eq $((i + 1)) ]] &&
		    COMPREPLY=($(compgen -W '--options' -- "$cur"))
		[[ $cur != -* && ($cword -eq $((i + 1)) ||
		    ($cword -eq $((i + 2)) && $prev == --options)) ]] &&
		    COMPREPLY=($(compgen -W "${_sockit_commands% help}" \
			-- "$cur"))
		return
	fi
	# Asked here, in this shell: the subshells below find it cached.
	_sockit_optlines "$bin" "$cmd" >/dev/null
	opts=$(_sockit_options "$bin" "$cmd" | tr '\n' ' ')

	# Count the operands before the cursor, skipping options' values.
	for ((i++; i < cword; i++)); do
		w=${words[i]}
		case $w in
		--)	# exec, wait: PROGRAM and its arguments follow.
			COMPREPLY=($(compgen -c -- "$cur"))
			((i == cword - 1)) || COMPREPLY=($(compgen -f -- "$cur"))
			return ;;
		--*=*)	;;
		-U|--unix)	unix=1 ;;
		--*)	arg=$(_sockit_argname "$bin" "$cmd" "$w") &&
			    [[ $arg != \[* ]] && ((i++)) ;;
		-?*)	# A bundle such as -vU, -vd DELIM or -d'\n': the
			# letter that takes a value ends it.
			for ((j = 1; j < ${#w}; j++)); do
				[[ ${w:j:1} == U ]] && unix=1
				if _sockit_argname "$bin" "$cmd" "-${w:j:1}" \
				    >/dev/null; then
					((j < ${#w} - 1)) || ((i++))
					break
				fi
			done ;;
		*)	((nargs++ == 0)) && first=$w ;;
		esac
	done

	# The value of an option, offered only if this command takes it:
	# an option of another command is an error, not a place for values.
	p=$prev
	[[ $p == -[!-]?* ]] && p=-${p: -1}	# -vd DELIM: d's value
	if [[ $p == -* ]] && arg=$(_sockit_argname "$bin" "$cmd" "$p"); then
		if [[ $arg == \[=*\] ]]; then
			# An optional value goes only after '='.
			[[ $split == true ]] || arg=
			arg=${arg#\[=}
			arg=${arg%\]}
		fi
		if [[ -n $arg ]]; then
			_sockit_optarg "$arg" "$cur"
			return
		fi
	elif [[ $prev == --* && " $opts " != *" ${prev%%=*} "* ]]; then
		return	# not an option of this command: the line is wrong
	fi
	[[ $split == true ]] && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi

	case $cmd in
	relay)
		((nargs == 0)) && _sockit_address "$cur" "$unix" "$opts" pty
		((nargs == 1)) && _sockit_address "$cur" "$unix" "$opts" serial
		;;
	wall)	# [NAME=]ADDRESS, as many as wanted
		[[ $cur != *=* ]] && _sockit_address "$cur" "$unix" "$opts" ;;
	wait)
		_sockit_address "$cur" "$unix" "$opts" ;;
	nc)	# HOST PORT..., or a path with -U
		if ((nargs == 0)); then
			COMPREPLY=($(compgen -A hostname -- "$cur"))
		fi ;;
	listen|send|echo|clock|exec|ftp)
		if ((nargs == 0)); then
			_sockit_address "$cur" "$unix" "$opts" \
			    "$([[ $cmd == send ]] && echo serial)"
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

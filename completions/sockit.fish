# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# fish completion for sockit(1)

# The command: the first word after "sockit" that is not an option.
function __sockit_command
    set -l tokens (commandline -opc)
    for t in $tokens[2..-1]
        if not string match -q -- '-*' $t
            echo $t
            return 0
        end
    end
    return 1
end

# Is the command one of $argv?
function __sockit_using
    set -l cmd (__sockit_command); or return 1
    contains -- $cmd $argv
end

# The option lines of command $argv[1] ("--long -s ARG<tab>help"), asked
# of `sockit help --options` once per command and shell: the options are
# not listed here.
function __sockit_optlines
    set -l var __sockit_opts_$argv[1]
    if not set -q $var
        set -l bin (commandline -opc)[1]
        test -n "$bin"; or set bin sockit
        set -g $var ($bin help --options $argv[1] 2>/dev/null)
    end
    printf '%s\n' $$var
end

# The argument name of option $argv[1] of the command ("DUR", "FILE",
# "select|epoll", "[=always]"); status 1 if it takes none or the command
# does not take it.
function __sockit_argname
    set -l cmd (__sockit_command); or return 1
    for line in (__sockit_optlines $cmd)
        set -l words (string split ' ' -- (string split -f1 \t -- $line))
        set -l arg $words[-1]
        if contains -- $argv[1] $words
            string match -q -- '-*' $arg; and return 1
            echo $arg
            return 0
        end
        if string match -q -- $argv[1]'[=*' $words[1]
            string replace -- $argv[1] '' $words[1]
            return 0
        end
    end
    return 1
end

# The options of the command, with their help: "--long=" as well where
# the value is optional.
function __sockit_options
    set -l cmd (__sockit_command); or return
    for line in (__sockit_optlines $cmd)
        set -l parts (string split -m1 \t -- $line)
        for w in (string split ' ' -- $parts[1])
            switch $w
                case '--*[=*'
                    set -l l (string replace -r '\[.*' '' -- $w)
                    printf '%s\t%s\n' $l $parts[2] "$l=" $parts[2]
                case '-*'
                    printf '%s\t%s\n' $w $parts[2]
            end
        end
    end
end

# The values of an argument named $argv[1] that start with $argv[2].
function __sockit_values
    set -l arg $argv[1]
    set -l tok $argv[2]
    if not string match -qr '[A-Z]' -- $arg
        string split '|' -- $arg
        return
    end
    switch $arg
        case FILE
            __fish_complete_path $tok
        case DIR
            __fish_complete_directories $tok
        case UID
            __fish_complete_users
        case NAME
            __fish_print_hostnames
        case MODE
            printf '%s\n' 600 660 666 700 770
        case URL
            printf '%s\n' socks5:// socks5h:// http://
        case D DELIM
            printf '%s\n' "'\\n'" "'\\r\\n'" "'\\0'" "'\\t'"
    end
end

# Is the word being completed the value of an option?  "--opt=VALUE", or
# the word after an option that takes one.
function __sockit_wants_value
    set -l tok (commandline -ct)
    if string match -q -- '--*=*' $tok
        __sockit_argname (string split -f1 = -- $tok) >/dev/null
        return
    end
    set -l prev (commandline -opc)[-1]
    string match -q -- '-*' $prev; or return 1
    set -l arg (__sockit_argname $prev); or return 1
    not string match -q -- '[=*' $arg
end

# The values for the word being completed, after __sockit_wants_value.
function __sockit_value
    set -l tok (commandline -ct)
    if string match -q -- '--*=*' $tok
        set -l o (string split -m1 = -- $tok)
        set -l arg (__sockit_argname $o[1]); or return
        set arg (string replace -r '^\[=(.*)\]$' '$1' -- $arg)
        for v in (__sockit_values $arg $o[2])
            echo "$o[1]=$v"
        end
        return
    end
    __sockit_values (__sockit_argname (commandline -opc)[-1]) $tok
end

# The operands (not options, not option arguments) after the command,
# one a line.
function __sockit_operand_list
    set -l tokens (commandline -opc)
    set -l skip 0
    set -l seen_cmd 0
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
        else if test $seen_cmd -eq 0
            string match -q -- '-*' $t; or set seen_cmd 1
        else if string match -q -- '-*' $t
            if set -l arg (__sockit_argname $t)
                string match -q -- '[=*' $arg; or set skip 1
            end
        else
            echo $t
        end
    end
end

function __sockit_operands
    count (__sockit_operand_list)
end

# Does the command take another address operand?
function __sockit_wants_address
    set -l cmd (__sockit_command); or return 1
    set -l n (__sockit_operands)
    switch $cmd
        case relay
            test $n -lt 2
        case listen send echo clock exec ftp
            test $n -lt 1
        case wall
            true
        case wait
            return 0
        case '*'
            return 1
    end
end

# Does the command take the PORT of the two-argument form HOST PORT?
# Only after one bare host name: not after a port, a HOST:PORT, a path
# or an abstract name, and never for relay (one argument per address).
function __sockit_wants_port
    __sockit_using listen send echo clock ftp; or return 1
    __fish_contains_opt -s U unix; and return 1
    set -l ops (__sockit_operand_list)
    test (count $ops) -eq 1; or return 1
    not string match -qr -- '[:/]|^@|^[0-9]+$' $ops[1]
end

# TCP service names and their ports, from services(5).
function __sockit_ports
    awk '/^[a-z]/ && $2 ~ /\/tcp$/ { print $1 "\t" $2 }' /etc/services 2>/dev/null
end

# Is the address being completed one where a serial device may go?
function __sockit_wants_serial
    set -l n (__sockit_operands)
    if __sockit_using send
        test $n -eq 0
    else if __sockit_using relay
        test $n -eq 1
    else
        return 1
    end
end

# Complete an address: unix socket files and directories, with or without
# the unix: prefix, and the address prefixes: tls: where the command
# takes --cert (TLS), udp: and unixgram: where it takes --udp, ws:// wss://
# ws+unix: where it takes --text (WebSocket).  With -U, paths only.
function __sockit_address
    set -l tok (commandline -ct)
    set -l tls
    set -l prefix
    set -l unix 0
    set -l opts (__sockit_options | string split -f1 \t)
    __fish_contains_opt -s U unix; and set unix 1
    if test $unix -eq 0; and contains -- --cert $opts; and string match -q -- 'tls:*' $tok
        set tls tls:
        set tok (string sub -s 5 -- $tok)
    end
    # serial: where a serial device may go: send, relay's TARGET
    set -l serial 0
    if test $unix -eq 0; and __sockit_wants_serial
        set serial 1
        if string match -q -- 'serial:*' $tok
            for f in /dev/tty*
                printf 'serial:%s\tserial device\n' $f
            end
            return
        end
    end
    set -l pty 0
    if test $unix -eq 0; and __sockit_using relay; and test (__sockit_operands) -eq 0
        set pty 1
        if string match -q -- 'pty:*' $tok
            __fish_complete_path (string sub -s 5 -- $tok) | string replace -r '^' pty:
            return
        end
    end
    set -l path $tok
    if test $unix -eq 0; and string match -q -- 'unix:*' $tok
        set prefix unix:
        set path (string sub -s 6 -- $tok)
    else if test $unix -eq 0; and not string match -qr -- '^[./~]|/' $tok
        printf "$tls%s\t%s\n" unix: 'unix socket path' tcp: 'TCP address' \
            tcp4: 'TCP address, IPv4 only' tcp6: 'TCP address, IPv6 only' \
            @ 'abstract unix socket'
        if test -z "$tls"; and contains -- --cert $opts
            printf '%s\t%s\n' tls: 'TLS over a stream address'
        end
        if test -z "$tls"; and test $serial -eq 1
            printf '%s\t%s\n' serial: 'serial device'
        end
        if test -z "$tls"; and test $pty -eq 1
            printf '%s\t%s\n' pty: 'link to a pty made here'
        end
        if test -z "$tls"; and contains -- --text $opts
            printf '%s\t%s\n' ws:// 'WebSocket' wss:// 'WebSocket over TLS' \
                ws+unix: 'WebSocket over a unix socket'
        end
        if test -z "$tls"; and contains -- --udp $opts
            printf '%s\t%s\n' udp: 'UDP address' \
                udp4: 'UDP address, IPv4 only' udp6: 'UDP address, IPv6 only' \
                unixgram: 'unix datagram socket'
        end
    end
    string match -q -- '@*' $path; and return
    set -l glob (string replace -r -- '^~' $HOME $path)
    for f in $glob*
        if test -d $f
            printf '%s%s%s/\tdirectory\n' "$tls" "$prefix" $f
        else if test -S $f
            printf '%s%s%s\tunix socket\n' "$tls" "$prefix" $f
        end
    end
end

set -l __sockit_commands listen send echo clock relay wall exec wait ftp nc help

complete -c sockit -f

# Before the command.
complete -c sockit -n 'not __sockit_command' -a listen -d 'Accept clients; their data to stdout, stdin to them'
complete -c sockit -n 'not __sockit_command' -a send -d 'Connect; stdin or messages out, replies to stdout'
complete -c sockit -n 'not __sockit_command' -a echo -d 'Echo server'
complete -c sockit -n 'not __sockit_command' -a clock -d 'Time server'
complete -c sockit -n 'not __sockit_command' -a relay -d 'Forward each client of LISTEN to TARGET'
complete -c sockit -n 'not __sockit_command' -a wall -d 'Table of the latest message of several servers'
complete -c sockit -n 'not __sockit_command' -a exec -d 'Run PROGRAM for each client, on its socket'
complete -c sockit -n 'not __sockit_command' -a wait -d 'Wait until every ADDRESS accepts a connection'
complete -c sockit -n 'not __sockit_command' -a ftp -d 'FTP server for a directory tree'
complete -c sockit -n 'not __sockit_command' -a nc -d 'netcat-openbsd command line'
complete -c sockit -n 'not __sockit_command' -a help -d 'Print help for sockit or a command'
complete -c sockit -n 'not __sockit_command' -s h -l help -d 'Print help and exit'
complete -c sockit -n 'not __sockit_command' -s V -l version -d 'Print the version and exit'

# help COMMAND
complete -c sockit -n '__sockit_using help; and test (__sockit_operands) -eq 0' -a "$__sockit_commands[1..-2]"
complete -c sockit -n '__sockit_using help; and test (__sockit_operands) -eq 0' -l options -d 'The option lines of COMMAND'

# Options, and their values: from `sockit help --options`.
complete -c sockit -n '__sockit_command; and not __sockit_wants_value; and string match -q -- "-*" (commandline -ct)' -a '(__sockit_options)'
complete -c sockit -n '__sockit_command; and __sockit_wants_value' -a '(__sockit_value)'

# Addresses, and the port of HOST PORT.
complete -c sockit -n 'not __sockit_wants_value; and __sockit_wants_address' -a '(__sockit_address)'
complete -c sockit -n 'not __sockit_wants_value; and __sockit_wants_port' -a '(__sockit_ports)'

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

# The operands (not options, not option arguments) after the command,
# one a line.
function __sockit_operand_list
    set -l tokens (commandline -opc)
    set -l takes_arg -d --delimiter -i --idle-timeout -x --max-conns --mode \
        --allow-uid --backend --ready-fd -w --wait --output-delimiter \
        -m --message -f --format -I --interval -c --count --proxy --ack -s --source \
        -q --quit-after -t --timeout --cert --key --cacert --alpn --servername
    set -l skip 0
    set -l seen_cmd 0
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
        else if test $seen_cmd -eq 0
            string match -q -- '-*' $t; or set seen_cmd 1
        else if contains -- $t $takes_arg
            set skip 1
        else if not string match -q -- '-*' $t
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

# Complete an address: unix socket files and directories, with or without
# the unix: prefix, and the address prefixes.  With -U, paths only.
function __sockit_address
    set -l tok (commandline -ct)
    set -l prefix
    set -l path $tok
    set -l unix 0
    __fish_contains_opt -s U unix; and set unix 1
    if test $unix -eq 0; and string match -q -- 'unix:*' $tok
        set prefix unix:
        set path (string sub -s 6 -- $tok)
    else if test $unix -eq 0; and not string match -qr -- '^[./~]|/' $tok
        printf '%s\t%s\n' unix: 'unix socket path' tcp: 'TCP address' \
            tcp4: 'TCP address, IPv4 only' tcp6: 'TCP address, IPv6 only' \
            udp: 'UDP address' udp4: 'UDP address, IPv4 only' \
            udp6: 'UDP address, IPv6 only' unixgram: 'unix datagram socket' \
            @ 'abstract unix socket'
    end
    string match -q -- '@*' $path; and return
    set -l glob (string replace -r -- '^~' $HOME $path)
    for f in $glob*
        if test -d $f
            printf '%s%s/\tdirectory\n' $prefix $f
        else if test -S $f
            printf '%s%s\tunix socket\n' $prefix $f
        end
    end
end

set -l __sockit_commands listen send echo clock relay wall exec wait ftp help

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
complete -c sockit -n 'not __sockit_command' -a help -d 'Print help for sockit or a command'
complete -c sockit -n 'not __sockit_command' -s h -l help -d 'Print help and exit'
complete -c sockit -n 'not __sockit_command' -s V -l version -d 'Print the version and exit'

# help COMMAND
complete -c sockit -n '__sockit_using help; and test (__sockit_operands) -eq 0' -a "$__sockit_commands"

# Options of every command.
set -l all '__sockit_using listen send echo clock relay wall exec wait ftp'
complete -c sockit -n $all -s 4 -d 'Use IPv4 only'
complete -c sockit -n $all -s 6 -d 'Use IPv6 only'
complete -c sockit -n $all -s U -l unix -d 'Address arguments are unix socket paths'
complete -c sockit -n $all -s i -l idle-timeout -x -d 'Close a connection idle this long (DURATION)'
complete -c sockit -n $all -s v -l verbose -d 'Log to stderr; repeat for more'
complete -c sockit -n $all -s h -l help -d 'Print help for the command and exit'
complete -c sockit -n $all -s V -l version -d 'Print the version and exit'

# Datagrams.
complete -c sockit -n '__sockit_using listen send echo relay' -s u -l udp -d 'Datagrams: UDP, or unix datagram with -U'
complete -c sockit -n '__sockit_using send' -s q -l quit-after -x -d 'After the end of input, read replies this long (DURATION)'

# Delimiter options.
set -l delim '__sockit_using listen send echo clock wall'
complete -c sockit -n $delim -s d -l delimiter -x -a "'\\\\n' '\\\\r\\\\n' '\\\\0' '\\\\t'" -d 'Message delimiter'
complete -c sockit -n $delim -s 0 -l null -d 'NUL-delimited messages (-d \'\\0\')'

# Server options.
set -l server '__sockit_using listen echo clock relay exec ftp'
complete -c sockit -n $server -s x -l max-conns -x -d 'Serve at most N clients at once'
complete -c sockit -n $server -l mode -x -a '600 660 666 700 770' -d 'Octal permissions of the unix socket file'
complete -c sockit -n $server -l allow-uid -x -a '(__fish_complete_users)' -d 'Serve only clients with this peer uid'
complete -c sockit -n $server -l backend -x -a 'select epoll' -d 'Event loop'
complete -c sockit -n $server -l ready-fd -x -d 'Write the bound address to FD once listening'
complete -c sockit -n $server -s k -l keep-open -d 'Keep listening (the default)'

# Client options.
set -l client '__sockit_using send relay wall wait'
complete -c sockit -n $client -s w -l wait -x -d 'Connect timeout (DURATION)'
complete -c sockit -n $client -s s -l source -x -d 'Bind the local end to HOST, PORT or HOST:PORT'
complete -c sockit -n '__sockit_using listen echo clock exec' -s w -l wait -x -d 'TLS handshake timeout (DURATION)'

# TLS.
set -l tls '__sockit_using listen send echo clock relay exec wall wait'
complete -c sockit -n '__sockit_using listen send echo clock exec wall wait' -l tls -d 'Speak TLS on the address (as tls:ADDRESS)'
complete -c sockit -n $tls -l cert -r -F -d 'Our certificate (PEM, with its chain)'
complete -c sockit -n $tls -l key -r -F -d 'The private key of --cert (PEM)'
complete -c sockit -n $tls -l cacert -r -F -d 'CA certificates to verify the peer (PEM)'
complete -c sockit -n $tls -l alpn -x -a 'h2 http/1.1' -d 'ALPN protocols, comma-separated'
complete -c sockit -n '__sockit_using send relay wall wait' -l insecure -d 'Do not verify the server certificate'
complete -c sockit -n '__sockit_using send relay wall wait' -l servername -x -a '(__fish_print_hostnames)' -d 'Name to verify and send as SNI'
complete -c sockit -n '__sockit_using listen echo clock relay exec' -l self-signed -d 'Make a key and certificate in memory'
complete -c sockit -n '__sockit_using listen echo clock relay exec' -l verify-client -d 'Require a client certificate (--cacert)'

# Watching the bytes.
set -l watch '__sockit_using listen send echo relay exec'
complete -c sockit -n $watch -l hexdump -d 'Dump every chunk both ways to stderr or =FILE'

complete -c sockit -n '__sockit_using listen send' -l progress -d 'A progress line on stderr (=always: on any stderr)'

# listen
complete -c sockit -n '__sockit_using listen' -l output-delimiter -x -a "'\\\\n' '\\\\r\\\\n' '\\\\0' '\\\\t'" -d 'Write each message followed by DELIM'
complete -c sockit -n '__sockit_using listen' -s L -l label -d 'Start each message with the client address'
complete -c sockit -n '__sockit_using listen send' -l recv-only -d 'Never read stdin'
complete -c sockit -n '__sockit_using listen' -l ack -x -d 'Send TEXT and the delimiter back for each message written'
complete -c sockit -n '__sockit_using listen' -s 1 -l once -d 'Serve one client and exit when it leaves'

# send
complete -c sockit -n '__sockit_using send' -s m -l message -x -d 'Send TEXT followed by the delimiter'
complete -c sockit -n '__sockit_using send' -l send-only -d 'Never read the socket; exit after sending'
complete -c sockit -n '__sockit_using send relay wait' -l proxy -x -a 'socks5:// socks5h:// http://' -d 'Connect through a SOCKS5 or HTTP CONNECT proxy'
complete -c sockit -n '__sockit_using send' -s z -l zero-io -d 'Connect and close: is each address open?'
complete -c sockit -n '__sockit_using send' -s q -l quit-after -x -d 'After stdin EOF, read replies this long'
complete -c sockit -n '__sockit_using send' -s C -l crlf -d 'Send each LF as CRLF'
complete -c sockit -n '__sockit_using send' -s N -l shutdown -d 'Shut down the write side on stdin EOF (the default)'

# wait
complete -c sockit -n '__sockit_using wait' -s t -l timeout -x -d 'Give up after DURATION (default 30s; 0 = never)'
complete -c sockit -n '__sockit_using wait' -l closed -d 'Wait until no address accepts'

# clock
complete -c sockit -n '__sockit_using clock' -s f -l format -x -d 'strftime(3) format of the time'
complete -c sockit -n '__sockit_using clock' -s I -l interval -x -d 'Tick interval (DURATION)'
complete -c sockit -n '__sockit_using clock' -l utc -d 'Use UTC whatever TZ says'
complete -c sockit -n '__sockit_using clock' -s c -l count -x -d 'Close each client after N ticks'

# ftp
complete -c sockit -n '__sockit_using ftp' -s r -l root -x -a '(__fish_complete_directories)' -d 'Serve this directory'
complete -c sockit -n '__sockit_using ftp' -l user -x -d 'Require this login (NAME:PASSWORD)'
complete -c sockit -n '__sockit_using ftp' -l write -d 'Allow uploads, renames and removals'
complete -c sockit -n '__sockit_using ftp' -s w -l wait -x -d 'Data connection deadline (DURATION)'

# Addresses, and the port of HOST PORT.
complete -c sockit -n __sockit_wants_address -a '(__sockit_address)'
complete -c sockit -n __sockit_wants_port -a '(__sockit_ports)'

# wall
complete -c sockit -n '__sockit_using wall' -s I -l interval -x -d 'One row every DURATION'
complete -c sockit -n '__sockit_using wall' -s c -l count -x -d 'Exit after N rows'

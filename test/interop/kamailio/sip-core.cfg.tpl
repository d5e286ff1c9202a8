#!KAMAILIO
#
# Kamailio as a SIP/IP Core of OMA PoC and OMA CPM for the interop tests
# (test/interop/poc-leave-run.ts, cpm-close-run.ts) and the interop load
# benchmark (bench/interop-load.bench.ts): a record-routing, transaction
# stateful proxy on its own address with one worker, so that it does not
# reorder messages. A template: the harness (test/interop/harness/kamailio.ts)
# fills the {{...}} placeholders.
#
# The PoC Clients and Servers preload their route (RFC 3261 8.1.2): the
# SIP/IP Core follows the Route header fields (loose routing, RFC 3261 16.4),
# else the Request-URI, and records its route on every INVITE so that the
# requests of the dialog pass it again (RFC 3261 16.6 step 4), as the SIP/IP
# Cores do in OMA PoC Figures 16 and 18 and OMA CPM Figures 9 and 10.

debug=1
log_stderror=yes
fork=yes
children=1
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=no
disable_tcp=yes
disable_sctp=yes
listen=udp:{{address}}:{{port}}

mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"

loadmodule "kex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "pv.so"
loadmodule "ctl.so"

# kamcmd talks to this instance only, through its own socket.
modparam("ctl", "binrpc", "unix:{{ctlSocket}}")
# RFC 3261 16.6 step 4: Record-Route with lr.
modparam("rr", "enable_full_lr", 0)
modparam("rr", "append_fromtag", 1)
# Quick transaction timers, so a lost peer fails the test within seconds.
modparam("tm", "fr_timer", 3000)
modparam("tm", "fr_inv_timer", 8000)

request_route {
	# RFC 3261 16.3 step 3: Max-Forwards.
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}

	# Readiness probe of the harness: OPTIONS to the proxy itself.
	if (is_method("OPTIONS") && uri == myself && $rU == $null) {
		sl_send_reply("200", "Ready");
		exit;
	}

	# RFC 3261 16.10: CANCEL follows its INVITE transaction.
	if (is_method("CANCEL")) {
		if (t_check_trans()) {
			t_relay();
		}
		exit;
	}

	# RFC 3261 16.12: in-dialog requests follow the route set.
	if (has_totag()) {
		if (loose_route()) {
			if (!t_relay()) {
				sl_reply_error();
			}
			exit;
		}
		if (is_method("ACK")) {
			if (t_check_trans()) {
				t_relay();
			}
			exit;
		}
		sl_send_reply("404", "Not here");
		exit;
	}

	# RFC 3261 16.4: a preloaded route is followed (this proxy's own entry removed).
	if (is_present_hf("Route")) {
		loose_route();
	}
	if (is_method("INVITE")) {
		record_route();
	}
	if (!t_relay()) {
		sl_reply_error();
	}
	exit;
}

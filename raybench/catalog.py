"""The built-in layouts, one per export format raybench reads by header rules.

Sources for the format facts are ../shared/reference/carrier-formats.md (section numbers below) and the
real samples in ../shared/cases/real. Where a source does not state a fact (a carrier's zone, a code
list), the layout says ``assumed`` and the value can be overridden (``--tz``).
"""

from __future__ import annotations

from functools import cache

from raybench.errors import ConfigError
from raybench.layout import Layout, StartSpec, ValueMap

_DT = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"

ATT_MOBILITY_VOICE = Layout(
    id="att_mobility_voice",
    carrier="att",
    columns=("Item", "Conn. Date", "Conn. Time (UTC)", "Seizure Time", "ET", "Originating Number",
             "Terminating Number", "IMEI", "IMSI", "Description", "LAC", "Cell ID"),
    start=StartSpec("Conn. Date", "Conn. Time (UTC)", ("%m/%d/%Y %H:%M:%S",)),
    tz="UTC",
    tz_source="AT&T Records Key: 'Conn. Time (UTC)' (carrier-formats.md 1.1)",
    duration_column="ET",
    duration_unit="mm_ss",
    caller="Originating Number",
    callee="Terminating Number",
    dialed_annotation="(D)",
    record_type=ValueMap("Description", {"MO VOICE": "voice", "MT VOICE": "voice", "CF VOICE": "voice",
                                         "VM DEPOSIT": "voicemail", "VM RETRIEVAL": "voicemail"}),
    direction=ValueMap("Description", {"MO VOICE": "outgoing", "MT VOICE": "incoming",
                                       "CF VOICE": "forwarded", "VM DEPOSIT": "incoming",
                                       "VM RETRIEVAL": "outgoing"}),
    imei="IMEI", imsi="IMSI", lac="LAC", cell_id="Cell ID",
    source="carrier-formats.md 1.1 (AT&T Records Key); descriptor codes are raybench's synthetic set",
)

TS32298_RECORDS = {
    "moCallRecord": ("voice", "outgoing"), "mtCallRecord": ("voice", "incoming"),
    "roamingRecord": ("voice", "incoming"), "incGatewayRecord": ("voice", "incoming"),
    "outGatewayRecord": ("voice", "outgoing"), "transitCallRecord": ("voice", "unknown"),
    "termCAMELRecord": ("voice", "incoming"), "moSMSRecord": ("sms", "outgoing"),
    "mtSMSRecord": ("sms", "incoming"), "moSMSIWRecord": ("sms", "outgoing"), "mtSMSGWRecord": ("sms", "incoming"),
    "ssActionRecord": ("other", "unknown"),
}
"""The CS domain's record names of 3GPP TS 32.298 (``CallEventRecord``: MO/MT call, roaming, gateway,
transit, terminating CAMEL, MO/MT SMS and their interworking and gateway records, supplementary-service
action) as a mediation system writes them once the ASN.1 is decoded -> (record type, direction)."""

TMOBILE = Layout(
    id="tmobile_cdr",
    carrier="tmobile",
    columns=("Type of Call", "Calling Number", "Called Number", "Dialed Number", "Start Date/Time (UTC)",
             "Duration (Sec)", "IMSI", "IMEI", "LAC", "Cell ID"),
    start=StartSpec("Start Date/Time (UTC)", None, ("%Y-%m-%d %H:%M:%S",)),
    tz="UTC",
    tz_source="T-Mobile 'Interpreting Call Detail Records': all times UTC (carrier-formats.md 1.2)",
    duration_column="Duration (Sec)",
    caller="Calling Number",
    callee="Called Number",
    dialed="Dialed Number",
    record_type=ValueMap("Type of Call", {
        "mSOriginating": "voice", "mSTerminating": "voice", "callForwarding": "voice", "moc": "voice",
        "mtc": "voice", "mSOriginatingSMSinMSC": "sms", "mSTerminatingSMSinMSC": "sms", "SMSc": "sms",
        "RCS-IMChat": "other", **{k: t for k, (t, _) in TS32298_RECORDS.items()}}),
    direction=ValueMap("Type of Call", {
        "mSOriginating": "outgoing", "mSTerminating": "incoming", "callForwarding": "forwarded",
        "moc": "outgoing", "mtc": "incoming", "mSOriginatingSMSinMSC": "outgoing",
        "mSTerminatingSMSinMSC": "incoming", "SMSc": "unknown", "RCS-IMChat": "unknown",
        **{k: d for k, (_, d) in TS32298_RECORDS.items()}}),
    imsi="IMSI", imei="IMEI", lac="LAC", cell_id="Cell ID",
    source="carrier-formats.md 1.2 (3GPP MSC record names as T-Mobile's 'Type of call')",
)

SPRINT_CDMA = Layout(
    id="sprint_cdma",
    carrier="sprint",
    columns=("CALLING_NBR", "CALLED_NBR", "DIALED_DIGITS", "M_R", "START_DATE", "END_DATE", "DURATION",
             "NEID", "REPOLL", "FIRST_CELL", "LAST_CELL"),
    # the Sprint key does not state the date order: decided per file (raybench.normalize.dates)
    start=StartSpec("START_DATE", None, ("%m/%d/%Y %H:%M:%S",), day_first_formats=("%d/%m/%Y %H:%M:%S",)),
    end_column="END_DATE",
    tz="UTC",
    tz_source="assumed (the Sprint key does not state the zone; override with --tz)",
    duration_column="DURATION",
    caller="CALLING_NBR",
    callee="CALLED_NBR",
    dialed="DIALED_DIGITS",
    record_type=ValueMap("M_R", {}, default="voice"),
    direction=ValueMap("M_R", {"1": "outgoing", "2": "incoming", "3": "forwarded", "0": "unknown"}),
    voicemail_prefix="11",
    cell_id="FIRST_CELL",
    sector_from_cell=True,
    source="carrier-formats.md 1.3 (Sprint CDMA key; M_R role codes are raybench's synthetic set)",
)

VERIZON_BILLING = Layout(
    id="verizon_billing_detail",
    carrier="verizon",
    columns=("Wireless Number", "Date", "Time", "Number", "Usage Type", "Origination", "Destination",
             "Minutes", "Airtime Charges", "LD/Other Charges", "Total Charges"),
    start=StartSpec("Date", "Time", ("%m/%d/%Y %I:%M %p",)),
    tz="America/New_York",
    tz_source="assumed: billing detail is in local time (carrier-formats.md 1.4); override with --tz",
    duration_column="Minutes",
    duration_unit="minutes",
    subscriber="Wireless Number",
    partner="Number",
    record_type=ValueMap("Usage Type", {"Voice": "voice", "Text Msg": "sms", "Pic/Video Msg": "mms"}),
    direction=ValueMap("Destination", {"INCOMING, CL": "incoming"}, default="outgoing"),
    source="carrier-formats.md 1.4 (billing: minute-level start, minute-rounded duration, no cell)",
)

ASTERISK_MASTER = Layout(
    id="asterisk_master_csv",
    carrier="asterisk",
    columns=("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
             "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
             "uniqueid", "userfield"),
    has_header=False,
    field_counts=(16, 17, 18),
    probe={9: _DT, 12: r"\d+", 13: r"\d+"},
    start=StartSpec("start", None, ("%Y-%m-%d %H:%M:%S",)),
    tz="America/New_York",
    tz_source="assumed: cdr_csv writes server local time without offset (carrier-formats.md 1.6); --tz",
    duration_column="billsec",
    caller="src",
    callee="dst",
    record_type=ValueMap("disposition", {}, default="voice"),
    direction=ValueMap("dcontext", {"from-internal": "outgoing", "from-trunk": "incoming",
                                    "from-pstn": "incoming", "ext-local": "internal"}, default="unknown"),
    zone_evidence=("uniqueid", "epoch_prefix"),
    leg=("dstchannel", r"^(.*?)(?:-[0-9a-fA-F]{8})?(?:;\d)?$"),
    pbx_parties=True,
    source="carrier-formats.md 1.6 (docs.asterisk.org CDR fields; 16/17/18 columns, no header)",
)

BANDICOOT = Layout(
    id="bandicoot_csv",
    carrier="bandicoot",
    columns=("interaction", "direction", "correspondent_id", "datetime", "call_duration", "antenna_id"),
    start=StartSpec("datetime", None, ("%Y-%m-%d %H:%M:%S",)),
    tz="America/New_York",
    tz_source="assumed: local time without zone; the joined antennas lie in the Boston area",
    duration_column="call_duration",
    partner="correspondent_id",
    record_type=ValueMap("interaction", {"call": "voice", "text": "sms"}),
    direction=ValueMap("direction", {"in": "incoming", "out": "outgoing"}),
    numbers_are_msisdn=False,
    cell_id="antenna_id",
    source="cases/real/README.md; computationalprivacy/bandicoot demo/data/ego.csv",
)

BANDICOOT_ANTENNAS = Layout(
    id="bandicoot_antennas",
    carrier="bandicoot",
    kind="cell_sites",
    columns=("antenna_id", "latitude", "longitude"),
    cell_id="antenna_id", lat="latitude", lon="longitude",
    source="cases/real/README.md; bandicoot demo/data/antennas.csv",
)

ORANGE = Layout(
    id="orange_csv",
    carrier="orange",
    # bandicoot names the last two positions "longitude;latitude", but the values are latitude (42.4)
    # then longitude (-71.6): Massachusetts, like the antennas of the same project. Named by content here.
    columns=("call_record_type", "basic_service", "user_msisdn", "call_partner_identity", "datetime",
             "call_duration", "latitude", "longitude"),
    has_header=False,
    delimiter=";",
    probe={0: r"\d+", 1: r"\d{2}", 4: _DT, 5: r"\d*"},
    start=StartSpec("datetime", None, ("%Y-%m-%d %H:%M:%S",)),
    tz="America/New_York",
    tz_source="assumed: local time without zone; coordinates lie in Massachusetts",
    duration_column="call_duration",
    subscriber="user_msisdn",
    partner="call_partner_identity",
    record_type=ValueMap("basic_service", {"11": "voice", "12": "voice", "21": "sms", "22": "sms"}),
    direction=ValueMap("call_record_type", {"1": "outgoing"}, default="incoming"),
    region=None,
    lat="latitude", lon="longitude",
    source="cases/real/README.md ('orange' layout of bandicoot's tests)",
)

TELENOR_CSV = Layout(
    id="telenor_csv",
    carrier="telenor",
    columns=("B_PARTY", "A_PARTY", "DURATION", "B_CELL", "CALL_DATE", "CALL_TIME", "CALL_TYPE"),
    start=StartSpec("CALL_DATE", "CALL_TIME", ("%Y%m%d %H:%M:%S",)),
    tz="UTC",
    tz_source="assumed: the extract does not state its zone (carrier-formats.md 1.10); give it with --tz",
    duration_column="DURATION",
    caller="A_PARTY",
    callee="B_PARTY",
    cell_id="B_CELL",
    record_type=ValueMap("CALL_TYPE", {"MTC": "voice", "MOC": "voice", "SMS-MT": "sms", "SMS-MO": "sms",
                                       "SMSMT": "sms", "SMSMO": "sms"}),
    direction=ValueMap("CALL_TYPE", {"MTC": "incoming", "MOC": "outgoing", "SMS-MT": "incoming",
                                     "SMS-MO": "outgoing", "SMSMT": "incoming", "SMSMO": "outgoing"}),
    region=None,
    source="carrier-formats.md 1.10 (bandicoot's A_telenor_incoming.csv: B_PARTY, A_PARTY, DURATION, B_CELL, "
           "CALL_DATE as YYYYMMDD, a separate CALL_TIME, an alphanumeric cell such as 123A, type MTC); "
           "A_PARTY is the calling party and B_PARTY the called one (3GPP A/B-number); MOC and the SMS codes "
           "are the 3GPP originating/terminating counterparts of MTC; the profile decides the time format",
)

CDRSTATS_IMPORT = Layout(
    id="cdrstats_import_txt",
    carrier="generic",
    columns=("caller_id_number", "caller_id_name", "destination_number", "duration", "billsec",
             "hangup_cause_id", "uuid", "start_uepoch"),
    has_header=False,
    skip_initial_space=True,
    probe={3: r"\d+", 4: r"\d+", 6: r"[0-9a-f-]{36}", 7: r"\d{9,10}"},
    start=StartSpec("start_uepoch", epoch="s"),
    tz="UTC",
    tz_source="Unix epoch seconds",
    duration_column="billsec",
    caller="caller_id_number",
    callee="destination_number",
    record_type=ValueMap("hangup_cause_id", {}, default="voice"),
    direction=ValueMap("hangup_cause_id", {}, default="unknown"),
    region=None,
    pbx_parties=True,
    source="cdr-stats addons/samples/import_cdr_100.txt; field order of cdr-stats' cdr_common",
)

CDRSTATS_CDRIMPORT = Layout(
    id="cdrstats_cdrimport_csv",
    carrier="generic",
    columns=("switch", "cdr_source_type", "callid", "caller_id_number", "caller_id_name",
             "destination_number", "dialcode", "state", "channel", "starting_date", "duration", "billsec",
             "progresssec", "answersec", "waitsec", "hangup_cause_id", "hangup_cause", "direction",
             "country_code", "accountcode", "buy_rate", "buy_cost", "sell_rate", "sell_cost", "extradata"),
    start=StartSpec("starting_date", None, ("%Y-%m-%d %H:%M:%S",)),
    tz="UTC",
    tz_source="assumed: no zone in the file",
    duration_column="billsec",
    caller="caller_id_number",
    callee="destination_number",
    record_type=ValueMap("cdr_source_type", {}, default="voice"),
    direction=ValueMap("direction", {"1": "incoming", "2": "outgoing", "0": "unknown"}),
    region=None,
    pbx_parties=True,
    source="cdr-stats CDRImport sample; CALL_DIRECTION 0/1/2 = not defined/inbound/outbound (cdr-stats)",
)

SWITCH_FIXED = Layout(
    id="switch_fixed_detail",
    carrier="generic",
    columns=("DATE", "TIME", "DURATION", "CALLING NO", "CALLED NO", "TY", "TRUNK"),
    positions=((0, 6), (7, 13), (14, 22), (23, 35), (36, 48), (49, 51), (52, 57)),
    start=StartSpec("DATE", "TIME", ("%y%m%d %H%M%S",)),
    tz="America/Chicago",
    tz_source="assumed: switch reports print the switch's local time without a zone; override with --tz",
    duration_column="DURATION",
    duration_unit="mm_ss",
    caller="CALLING NO",
    callee="CALLED NO",
    record_type=ValueMap("TY", {}, default="voice"),
    direction=ValueMap("TY", {"MO": "outgoing", "MT": "incoming", "CF": "forwarded"}),
    source="carrier-formats.md 1.9 (old telco call detail report: fixed columns, date of 6 characters, "
           "duration as minutes:seconds never hours, NPA NXX line with filler); time with seconds, the "
           "type codes and the trunk are raybench's synthetic set",
)

STATION_FIXED = Layout(
    id="station_fixed_detail",
    carrier="generic",
    columns=("DATE", "TIME", "STATION", "NUMBER", "DURATION", "TYPE"),
    positions=((0, 10), (11, 19), (20, 27), (28, 48), (49, 58), (59, 63)),
    start=StartSpec("DATE", "TIME", ("%m/%d/%Y %H:%M:%S",)),
    tz="America/Chicago",
    tz_source="assumed: station reports print the phone system's local time without a zone; override with --tz",
    duration_column="DURATION",
    duration_unit="hh_mm_ss",
    subscriber="STATION",
    partner="NUMBER",
    record_type=ValueMap("TYPE", {}, default="voice"),
    direction=ValueMap("TYPE", {"OUT": "outgoing", "OG": "outgoing", "O": "outgoing", "IN": "incoming",
                                "I": "incoming", "IC": "internal", "INT": "internal"}),
    pbx_parties=True,
    source="a phone system's station message detail report (SMDR; switch reports: carrier-formats.md 1.9): one "
           "row a call, the station (extension) the row is about and the other party's number; "
           "the call-class codes (OUT/OG outgoing, IN incoming, IC intercom) and the column names are "
           "raybench's reading of such reports, the formats are decided per file by the value profile; "
           "national numbers are read as North American (assumed, like the zone)",
)

FREESWITCH_CDR_CSV = Layout(
    id="freeswitch_cdr_csv",
    carrier="freeswitch",
    columns=("caller_id_name", "caller_id_number", "destination_number", "context", "start_stamp",
             "answer_stamp", "end_stamp", "duration", "billsec", "hangup_cause", "uuid", "bleg_uuid",
             "accountcode", "read_codec", "write_codec", "sip_user_agent", "extra_17", "extra_18", "extra_19",
             "extra_20"),
    has_header=False,
    field_counts=(13, 15, 16, 17, 18, 19, 20),
    probe={4: _DT, 6: _DT, 7: r"\d+", 8: r"\d+", 10: r"[0-9a-fA-F-]{36}"},
    start=StartSpec("start_stamp", None, ("%Y-%m-%d %H:%M:%S",)),
    end_column="end_stamp",
    tz="UTC",
    tz_source="assumed: mod_cdr_csv writes switch-local stamps without an offset (carrier-formats.md 1.7); "
              "give the switch's zone with --tz",
    duration_column="billsec",
    caller="caller_id_number",
    callee="destination_number",
    record_type=ValueMap("hangup_cause", {}, default="voice"),
    direction=ValueMap("context", {"public": "incoming"}, default="unknown"),
    region=None,
    zone_evidence=("uuid", "uuid_v1"),
    pbx_parties=True,
    source="carrier-formats.md 1.7 (mod_cdr_csv default template, 13 fields; the vanilla config's alternatives "
           "add read/write codecs, the SIP user agent and RTP stats after those 13: up to 20 fields are read, the "
           "first 13 as the default template, the ones past sip_user_agent kept unnamed; 'public' is the context "
           "of unauthenticated inbound calls)",
)

CUCM_CDR = Layout(
    id="cucm_cdr",
    carrier="cucm",
    columns=("cdrRecordType", "globalCallID_callId", "dateTimeOrigination", "callingPartyNumber",
             "originalCalledPartyNumber", "finalCalledPartyNumber", "duration"),
    header_required=("cdrRecordType", "globalCallID_callId", "dateTimeOrigination", "callingPartyNumber",
                     "finalCalledPartyNumber", "duration"),
    start=StartSpec("dateTimeOrigination", epoch="s"),
    tz="UTC",
    tz_source="Unix epoch seconds, UTC (CUCM CDR admin guide; carrier-formats.md 1.8)",
    duration_column="duration",
    caller="callingPartyNumber",
    callee="finalCalledPartyNumber",
    dialed="originalCalledPartyNumber",
    record_type=ValueMap("cdrRecordType", {}, default="voice"),
    direction=ValueMap("cdrRecordType", {}, default="unknown"),
    region="US",
    row_flags=(("recording_leg", "callingPartyNumber", r"^b[0-9A-Fa-f]{10,}$"),),
    pbx_parties=True,
    source="carrier-formats.md 1.8 (line 1 column names, line 2 SQL types, ~130 columns varying by "
           "release; times UTC epoch s; a calling number b00... is a built-in-bridge recording leg)",
)

CUCM_CMR = Layout(
    id="cucm_cmr",
    carrier="cucm",
    kind="not_cdr",
    columns=("cdrRecordType", "directoryNum", "numberPacketsSent"),
    header_required=("cdrRecordType", "directoryNum", "numberPacketsSent"),
    source="carrier-formats.md 1.8 (CMR files: call-quality records, one per call leg; not calls)",
)

AVAYA_IPO_SMDR = Layout(
    id="avaya_ipo_smdr",
    carrier="avaya",
    columns=("Call Start", "Connected Time", "Ring Time", "Caller", "Direction", "Called Number",
             "Dialled Number", "Account", "Is Internal", "Call ID", "Continuation", "Party1Device",
             "Party1Name", "Party2Device", "Party2Name", "Hold Time", "Park Time", "AuthValid", "AuthCode",
             "User Charged", "Call Charge", "Currency", "Amount at Last User Change", "Call Units",
             "Units at Last User Change", "Cost per Unit", "Mark Up", "External Targeting Cause",
             "External Targeter Id", "External Targeted Number", "Calling Party Server IP Address",
             "Unique Call ID for the Caller Extension", "Called Party Server IP Address",
             "Unique Call ID for the Called Extension", "SMDR Record Time"),
    has_header=False,
    field_counts=(30, 34, 35),
    header_aliases=(("DATETIME", "DURATION", "RING", "CALLER", "DIR", "CALLED", "DIALED", "ACC", "EXT",
                     "CALLID", "CONT", "P1DEV", "P1NAME", "P2DEV", "P2NAME") + ("",) * 15
                    + ("IP1", "PORT1", "IP2", "PORT2"),),
    probe={0: r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}", 1: r"\d+:\d{2}:\d{2}", 2: r"\d+", 4: r"[IO]",
           8: r"[01]", 10: r"[01]"},
    start=StartSpec("Call Start", None, ("%Y/%m/%d %H:%M:%S",)),
    tz="UTC",
    tz_source="assumed: SMDR writes the PBX's local time without a zone (Avaya IP Office SMDR "
              "documentation); give the PBX's zone with --tz",
    duration_column="Connected Time",
    duration_unit="hh_mm_ss",
    caller="Caller",
    callee="Called Number",
    dialed="Dialled Number",
    record_type=ValueMap("Direction", {}, default="voice"),
    direction=ValueMap("Direction", {"I": "incoming", "O": "outgoing"}),
    direction_internal=("Is Internal", "1"),
    region=None,
    pbx_parties=True,
    source="Avaya IP Office SMDR field list (Call Start YYYY/MM/DD HH:MM:SS, Connected Time HH:MM:SS, "
           "Direction I/O, Is Internal 0/1, Dialled Number with the trunk access code); "
           "cases/real/more/README.md (a logger's header line)",
)

THREECX_CDR = Layout(
    id="3cx_cdr_service",
    carrier="3cx",
    columns=("historyid", "callid", "duration", "time-start", "time-answered", "time-end",
             "reason-terminated", "from-no", "to-no", "from-dn", "to-dn", "dial-no", "reason-changed",
             "final-number", "final-dn", "bill-code", "bill-rate", "bill-cost", "bill-name", "chain",
             "from-type", "to-type", "final-type", "from-dispname", "to-dispname", "final-dispname",
             "missed-queue-calls"),
    has_header=False,
    field_counts=(27,),
    probe={0: r"(?:Call )?\d+", 1: r"[0-9A-Fa-f]{16}_\d+", 3: r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}",
           2: r"(\d+:\d{2}:\d{2})?"},
    start=StartSpec("time-start", None, ("%Y/%m/%d %H:%M:%S",)),
    end_column="time-end",
    duration_empty_unanswered=True,
    tz="UTC",
    tz_source="3CX CDR service writes UTC (dorel14/3CX-Cdr-Server converts its times from UTC)",
    duration_column="duration",
    duration_unit="hh_mm_ss",
    caller="from-no",
    callee="to-no",
    record_type=ValueMap("reason-terminated", {}, default="voice"),
    direction=ValueMap("from-type", {"External": "incoming", "Line": "incoming", "Extension": "outgoing"},
                       default="unknown"),
    region=None,
    pbx_parties=True,
    source="3CX v16/v18 CDR service default fields (27; the history id bare or as 'Call NNNN' (a CDR server's "
           "prefix), the call id '<16 hex>_<n>'; durations HH:MM:SS, empty when never answered; extensions as "
           "Ext.NNN; from-type Line/External is a call in, Extension a call from an extension); "
           "cases/real/more/README.md",
)

RESEARCH_MOBILITY = Layout(
    id="research_mobility_cdr",
    carrier="research",
    columns=("user_id", "datetime", "duration", "cell_id", "longitude", "latitude"),
    has_header=False,
    field_counts=(6,),
    probe={0: r"[A-Za-z]?\d+", 1: _DT, 2: r"\d*", 3: r"\w+", 4: r"-?\d{1,3}\.\d+", 5: r"-?\d{1,2}\.\d+"},
    start=StartSpec("datetime", None, ("%Y-%m-%d %H:%M:%S",)),
    tz="UTC",
    tz_source="assumed: no zone in the file; give it with --tz",
    duration_column="duration",
    caller="user_id",
    numbers_are_msisdn=False,
    region=None,
    cell_id="cell_id", lat="latitude", lon="longitude",
    source="SpatialDataCommons/CDR-analysis-tools-std (user id, time, duration, cell, longitude, latitude); "
           "carrier-formats.md 1.10",
)

INDIA_LEA_CDR = Layout(
    id="india_lea_cdr",
    carrier="generic",
    columns=("PAN_NO", "TARGET_NO", "CALL_TYPE", "TOC", "B_PARTY", "LRN_NO", "LRN_TSP", "CALL_TIME",
             "DURATION", "FIRST_CGI", "FIRST_LAT", "FIRST_LON", "LAST_CGI", "LAST_LAT", "LAST_LON", "SMSC_NO",
             "IMEI", "IMSI", "CALL_FWD", "ROAM_NO", "SW4MSCID", "IN_TG", "OUT_TG"),
    start=StartSpec("CALL_TIME", None, ("%Y-%m-%d %H:%M:%S",)),
    tz="Asia/Kolkata",
    tz_source="assumed: no zone in the file; Indian numbers (+91), India has one zone; --tz",
    duration_column="DURATION",
    subscriber="TARGET_NO",
    partner="B_PARTY",
    record_type=ValueMap("TOC", {"VOICE": "voice", "SMS": "sms", "DATA": "data"}),
    direction=ValueMap("CALL_TYPE", {"MO": "outgoing", "MT": "incoming", "SMS-MO": "outgoing",
                                     "SMS-MT": "incoming", "CF": "forwarded"}),
    region="IN",
    imei="IMEI", imsi="IMSI", cell_id="FIRST_CGI", lat="FIRST_LAT", lon="FIRST_LON",
    source="aryangupta658/CDR-Analyzer sample (an Indian law-enforcement CDR layout); cases/real/more/README.md",
)

IOS_CALLHISTORY = Layout(
    id="ios_callhistory",
    carrier="apple",
    columns=("Z_PK", "ZDATE", "ZDURATION", "ZADDRESS", "ZORIGINATED", "ZCALLTYPE"),
    header_required=("Z_PK", "ZDATE", "ZDURATION", "ZADDRESS", "ZORIGINATED"),
    start=StartSpec("ZDATE", epoch="coredata"),
    tz="UTC",
    tz_source="Core Data time: seconds since 2001-01-01 00:00:00 UTC (NSDate's reference date)",
    duration_column="ZDURATION",
    duration_unit="seconds_decimal",
    partner="ZADDRESS",
    record_type=ValueMap("ZCALLTYPE", {"1": "voice", "16": "voice", "8": "other"}),
    direction=ValueMap("ZORIGINATED", {"1": "outgoing", "0": "incoming"}),
    region=None,
    pbx_parties=True,
    source="an iPhone's CallHistory.storedata ZCALLRECORD table exported to CSV with its Core Data column names "
           "(as mobile forensics tools write it): ZDATE seconds since 2001-01-01 UTC with a fraction, ZDURATION "
           "float seconds, ZORIGINATED 1 for a call the phone placed, ZCALLTYPE 1 phone / 8 FaceTime video / "
           "16 FaceTime audio, ZADDRESS the other party (a number as the phone stored it, or a FaceTime e-mail "
           "address); the handset's own number is not in the table (its side is empty)",
)

BUILTIN: tuple[Layout, ...] = (
    ATT_MOBILITY_VOICE, TMOBILE, SPRINT_CDMA, VERIZON_BILLING, ASTERISK_MASTER, BANDICOOT,
    BANDICOOT_ANTENNAS, ORANGE, TELENOR_CSV, CDRSTATS_IMPORT, CDRSTATS_CDRIMPORT, SWITCH_FIXED, STATION_FIXED,
    FREESWITCH_CDR_CSV, CUCM_CDR, CUCM_CMR, AVAYA_IPO_SMDR, THREECX_CDR, RESEARCH_MOBILITY, INDIA_LEA_CDR,
    IOS_CALLHISTORY,
)

GENERATED_LAYOUTS = ("att_mobility_voice", "tmobile_cdr", "sprint_cdma", "verizon_billing_detail",
                     "asterisk_master_csv", "switch_fixed_detail")
"""The layouts ``raybench generate`` can write."""


@cache
def layouts_by_id() -> dict[str, Layout]:
    """All built-in layouts by id."""
    return {layout.id: layout for layout in BUILTIN}


def get_layout(layout_id: str) -> Layout:
    """The built-in layout with this id.

    Raises:
        ConfigError: no such layout; the message lists the known ids.
    """
    try:
        return layouts_by_id()[layout_id]
    except KeyError:
        raise ConfigError(f"unknown layout {layout_id!r}; known: {', '.join(layouts_by_id())}") from None

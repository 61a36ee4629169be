{{/*
The go-ten environment, one helper per audience. Every name here is a key of go-ten's
0-base-config.yaml (v1.8.x): viper ignores unknown names silently, so a wrong name is a bug
that no rendering error reveals; scripts/deploy/test_topology.py checks them against a list.
Names fixed against today's fleet:
  NETWORK_GAS_BASEFEE        -> NETWORK_GAS_MINBASEFEE
  L1_ROLLUP_RETRY_INTERVAL   -> NETWORK_L1_ROLLUPRETRYDELAY
  HOST_P2P_DISABLED          -> HOST_P2P_DISABLEP2P
  HOST_DEBUG_METRICSHTTPPORT -> HOST_DEBUG_METRICSPORT
  ENCLAVE_RPC_TIMEOUT now reads config.enclave.rpc.timeout (it read a key no file set)
  ENCLAVE_L1_ENABLEBLOCKVALIDATION, ENCLAVE_L1_GENESISJSON dropped (not go-ten keys)
*/}}

{{/* NETWORK_* and NODE_* read by both the host and the enclaves. */}}
{{- define "ten-node.env.shared" -}}
{{- $n := .Values.config.network }}
{{- $genesis := $n.genesis }}
{{- if not $genesis }}
{{- $genesis = .Files.Get "files/genesis.json" | fromJson | toJson }}
{{- end }}
NETWORK_CHAINID: {{ include "ten-node.int" $n.chainId }}
NETWORK_GENESIS: {{ $genesis | quote }}
NETWORK_BATCH_INTERVAL: {{ $n.batch.interval | quote }}
NETWORK_BATCH_MAXINTERVAL: {{ $n.batch.maxInterval | quote }}
NETWORK_BATCH_MAXSIZE: {{ include "ten-node.int" $n.batch.maxSize }}
NETWORK_ROLLUP_INTERVAL: {{ $n.rollup.interval | quote }}
NETWORK_ROLLUP_MAXINTERVAL: {{ $n.rollup.maxInterval | quote }}
NETWORK_ROLLUP_TXCOMPRESSIONFACTOR: {{ $n.rollup.txCompressionFactor | quote }}
NETWORK_GAS_MINBASEFEE: {{ $n.gas.minBaseFee | quote }}
NETWORK_GAS_MINGASPRICE: {{ $n.gas.minGasPrice | quote }}
NETWORK_GAS_PAYMENTADDRESS: {{ $n.gas.paymentAddress | quote }}
NETWORK_GAS_BATCHEXECUTIONLIMIT: {{ $n.gas.batchExecutionLimit | quote }}
NETWORK_GAS_LOCALEXECUTIONCAP: {{ $n.gas.localExecutionCap | quote }}
NETWORK_L1_CHAINID: {{ include "ten-node.int" $n.l1.chainId }}
NETWORK_L1_BLOCKTIME: {{ $n.l1.blockTime | quote }}
NETWORK_L1_STARTHASH: {{ tpl $n.l1.startHash . | quote }}
{{- range $key, $env := dict "networkConfig" "NETWORKCONFIG" "enclaveRegistry" "ENCLAVEREGISTRY" "rollup" "ROLLUP" "messageBus" "MESSAGEBUS" "crossChain" "CROSSCHAIN" "bridge" "BRIDGE" }}
{{ printf "NETWORK_L1_CONTRACTS_%s" $env }}: {{ tpl (index $n.l1.contracts $key) $ | quote }}
{{- end }}
NETWORK_SEQUENCER_P2PADDRESS: {{ required "config.network.sequencer.p2pAddress is required" $n.sequencer.p2pAddress | quote }}
NETWORK_SEQUENCER_SYSTEMCONTRACTSUPGRADER: {{ $n.sequencer.systemContractsUpgrader | quote }}
NETWORK_CROSSCHAIN_INTERVAL: {{ $n.crossChain.interval | quote }}
NODE_NODETYPE: {{ .Values.node.type | quote }}
NODE_ISGENESIS: {{ .Values.node.isGenesis | toString | quote }}
NODE_NAME: {{ .Values.node.name | quote }}
NODE_HOSTADDRESS: {{ required "node.hostAddress is required (the public P2P address)" .Values.node.hostAddress | quote }}
{{- end }}

{{/* Host only: the rollup limiter, L1 publishing and HOST_*. */}}
{{- define "ten-node.env.host" -}}
{{- $n := .Values.config.network }}
{{- $h := .Values.config.host }}
{{- $fn := include "ten-node.fullname" . }}
{{- $addrs := list }}
{{- range (include "ten-node.enclaves" . | fromYamlArray) }}
{{- $addrs = append $addrs (printf "%s-%s:11001" $fn .name) }}
{{- end }}
NETWORK_ROLLUP_MAXSIZE: {{ include "ten-node.int" $n.rollup.maxSize }}
NETWORK_ROLLUP_BATCHCOMPRESSIONFACTOR: {{ $n.rollup.batchCompressionFactor | quote }}
NETWORK_L1_TIMEOUTBLOCKS: {{ include "ten-node.int" $n.l1.timeoutBlocks }}
NETWORK_L1_MAXBLOBRETRIES: {{ include "ten-node.int" $n.l1.maxBlobRetries }}
NETWORK_L1_MAXDYNAMICRETRIES: {{ include "ten-node.int" $n.l1.maxDynamicRetries }}
NETWORK_L1_ROLLUPRETRYDELAY: {{ $n.l1.rollupRetryDelay | quote }}
HOST_RPC_ADDRESS: {{ $h.rpc.address | quote }}
HOST_RPC_ENABLEHTTP: {{ $h.rpc.enableHttp | toString | quote }}
HOST_RPC_HTTPPORT: {{ include "ten-node.int" $h.rpc.httpPort }}
HOST_RPC_ENABLEWS: {{ $h.rpc.enableWs | toString | quote }}
HOST_RPC_WSPORT: {{ include "ten-node.int" $h.rpc.wsPort }}
HOST_P2P_BINDADDRESS: {{ $h.p2p.bindAddress | quote }}
HOST_P2P_TIMEOUT: {{ $h.p2p.timeout | quote }}
HOST_P2P_DISABLEP2P: {{ $h.p2p.disableP2P | toString | quote }}
HOST_L1_WSURL: {{ required "config.host.l1.wsUrl is required" $h.l1.wsUrl | quote }}
HOST_L1_BEACONURL: {{ $h.l1.beaconUrl | quote }}
HOST_L1_BLOBARCHIVEURL: {{ $h.l1.blobArchiveUrl | quote }}
HOST_L1_RPCTIMEOUT: {{ $h.l1.rpcTimeout | quote }}
HOST_ENCLAVE_RPCADDRESSES: {{ join "," $addrs | quote }}
HOST_ENCLAVE_RPCTIMEOUT: {{ $h.enclave.rpcTimeout | quote }}
HOST_DB_USEINMEMORY: {{ $h.db.useInMemory | toString | quote }}
HOST_DB_SQLITEPATH: {{ $h.db.sqlitePath | quote }}
HOST_DB_HISTORICALTXCOUNT: {{ include "ten-node.int" $h.db.historicalTxCount }}
HOST_DB_HISTORICALCONTRACTCOUNT: {{ include "ten-node.int" $h.db.historicalContractCount }}
HOST_LOG_LEVEL: {{ include "ten-node.int" $h.log.level }}
HOST_LOG_PATH: {{ $h.log.path | quote }}
HOST_DEBUG_ENABLEMETRICS: {{ $h.debug.enableMetrics | toString | quote }}
HOST_DEBUG_METRICSPORT: {{ include "ten-node.int" $h.debug.metricsPort }}
HOST_DEBUG_ENABLEPROFILER: {{ $h.debug.enableProfiler | toString | quote }}
HOST_DEBUG_ENABLEDEBUGNAMESPACE: {{ $h.debug.enableDebugNamespace | toString | quote }}
{{- end }}

{{/* Enclave only: ENCLAVE_* (the enclave.json whitelist decides what ego passes in). */}}
{{- define "ten-node.env.enclave" -}}
{{- $e := .Values.config.enclave }}
ENCLAVE_ENABLEATTESTATION: {{ $e.enableAttestation | toString | quote }}
ENCLAVE_DB_USEINMEMORY: {{ $e.db.useInMemory | toString | quote }}
ENCLAVE_DB_EDGELESSDBHOST: "localhost"
ENCLAVE_DB_SQLITEPATH: {{ $e.db.sqlitePath | quote }}
ENCLAVE_RPC_BINDADDRESS: {{ $e.rpc.bindAddress | quote }}
ENCLAVE_RPC_TIMEOUT: {{ $e.rpc.timeout | quote }}
ENCLAVE_LOG_LEVEL: {{ include "ten-node.int" $e.log.level }}
ENCLAVE_LOG_PATH: {{ $e.log.path | quote }}
ENCLAVE_DEBUG_ENABLEDEBUGNAMESPACE: {{ $e.debug.enableDebugNamespace | toString | quote }}
ENCLAVE_DEBUG_ENABLEPROFILER: {{ $e.debug.enableProfiler | toString | quote }}
ENCLAVE_STOREEXECUTEDTRANSACTIONS: {{ ne .Values.node.type "sequencer" | toString | quote }}
{{- with $e.backupEncryptionKey }}
ENCLAVE_BACKUPENCRYPTIONKEY: {{ . | quote }}
{{- end }}
{{- with $e.attestation.signerId }}
ENCLAVE_ATTESTATION_SIGNERID: {{ . | quote }}
{{- end }}
{{- with $e.attestation.edbSecurityVersion }}
ENCLAVE_ATTESTATION_EDBSECURITYVERSION: {{ . | quote }}
{{- end }}
{{- with $e.attestation.edbProductId }}
ENCLAVE_ATTESTATION_EDBPRODUCTID: {{ . | quote }}
{{- end }}
{{- end }}

"""Topology tests of the Ten fleet in deploy/: what "How it is proved" in issue 4 asks for.

Each test reads the Argo CD manifests and the real-Helm renders (fleet.py) and would fail if
the property it names broke: the per-environment app lists and namespaces, SGX requests and
kept persistent storage of every enclave, no Secret with literal data, no secret in any values
file, plus the fixes over today's fleet that the README claims (go-ten env names, single
owners of shared objects and hostnames, pinned prod, HA anti-affinity, capacity).
Run: DEPLOY_RENDER_DIR=<dir> python -m unittest scripts/deploy/test_topology.py
"""

from __future__ import annotations

import re
import subprocess
import unittest
from collections import defaultdict
from functools import lru_cache

import yaml

import fleet

# environment -> {app: namespace}. The truth this repository must keep.
EXPECTED_APPS = {
    "dev": ["sequencer", "validator-01", "validator-02", "gateway", "tools", "deploy-jobs"],
    "uat": ["sequencer", "validator-01", "validator-02", "validator-03", "gateway", "tools", "deploy-jobs"],
    "sepolia": ["sequencer", "validator-01", "validator-02", "gateway", "tools", "deploy-jobs"],
    "testnet": ["sequencer", "validator-01", "validator-02", "validator-03", "gateway", "gateway-dexynth",
                "gateway-pentest", "tools", "deploy-jobs"],
    "mainnet": ["sequencer", "validator-01", "validator-02", "gateway", "tools"],
}
CHART_OF = {"sequencer": "ten-node", "validator": "ten-node", "gateway": "ten-gateway", "tools": "ten-tools",
            "deploy-jobs": "ten-deploy-jobs"}
SGX_RESOURCES = ("sgx.intel.com/epc", "sgx.intel.com/enclave", "sgx.intel.com/provision")

# go-ten v1.8.x env names (0-base-config.yaml keys, upper-cased). Names today's fleet sets but
# go-ten ignores are deliberately absent (NETWORK_GAS_BASEFEE, L1_ROLLUP_RETRY_INTERVAL, ...).
GO_TEN_SHARED = {
    "NETWORK_CHAINID", "NETWORK_GENESIS", "NETWORK_BATCH_INTERVAL", "NETWORK_BATCH_MAXINTERVAL",
    "NETWORK_BATCH_MAXSIZE", "NETWORK_ROLLUP_INTERVAL", "NETWORK_ROLLUP_MAXINTERVAL",
    "NETWORK_ROLLUP_TXCOMPRESSIONFACTOR", "NETWORK_GAS_MINBASEFEE", "NETWORK_GAS_MINGASPRICE",
    "NETWORK_GAS_PAYMENTADDRESS", "NETWORK_GAS_BATCHEXECUTIONLIMIT", "NETWORK_GAS_LOCALEXECUTIONCAP",
    "NETWORK_L1_CHAINID", "NETWORK_L1_BLOCKTIME", "NETWORK_L1_STARTHASH",
    "NETWORK_L1_CONTRACTS_NETWORKCONFIG", "NETWORK_L1_CONTRACTS_ENCLAVEREGISTRY", "NETWORK_L1_CONTRACTS_ROLLUP",
    "NETWORK_L1_CONTRACTS_MESSAGEBUS", "NETWORK_L1_CONTRACTS_CROSSCHAIN", "NETWORK_L1_CONTRACTS_BRIDGE",
    "NETWORK_SEQUENCER_P2PADDRESS", "NETWORK_SEQUENCER_SYSTEMCONTRACTSUPGRADER", "NETWORK_CROSSCHAIN_INTERVAL",
    "NODE_NODETYPE", "NODE_ISGENESIS", "NODE_NAME", "NODE_HOSTADDRESS",
}
GO_TEN_HOST = GO_TEN_SHARED | {
    "NETWORK_ROLLUP_MAXSIZE", "NETWORK_ROLLUP_BATCHCOMPRESSIONFACTOR", "NETWORK_L1_TIMEOUTBLOCKS",
    "NETWORK_L1_MAXBLOBRETRIES", "NETWORK_L1_MAXDYNAMICRETRIES", "NETWORK_L1_ROLLUPRETRYDELAY",
    "HOST_RPC_ADDRESS", "HOST_RPC_ENABLEHTTP", "HOST_RPC_HTTPPORT", "HOST_RPC_ENABLEWS", "HOST_RPC_WSPORT",
    "HOST_P2P_BINDADDRESS", "HOST_P2P_TIMEOUT", "HOST_P2P_DISABLEP2P", "HOST_L1_WSURL", "HOST_L1_BEACONURL",
    "HOST_L1_BLOBARCHIVEURL", "HOST_L1_RPCTIMEOUT", "HOST_ENCLAVE_RPCADDRESSES", "HOST_ENCLAVE_RPCTIMEOUT",
    "HOST_DB_USEINMEMORY", "HOST_DB_SQLITEPATH", "HOST_DB_HISTORICALTXCOUNT", "HOST_DB_HISTORICALCONTRACTCOUNT",
    "HOST_LOG_LEVEL", "HOST_LOG_PATH", "HOST_DEBUG_ENABLEMETRICS", "HOST_DEBUG_METRICSPORT",
    "HOST_DEBUG_ENABLEPROFILER", "HOST_DEBUG_ENABLEDEBUGNAMESPACE",
}
GO_TEN_ENCLAVE = GO_TEN_SHARED | {
    "ENCLAVE_ENABLEATTESTATION", "ENCLAVE_DB_USEINMEMORY", "ENCLAVE_DB_EDGELESSDBHOST", "ENCLAVE_DB_SQLITEPATH",
    "ENCLAVE_RPC_BINDADDRESS", "ENCLAVE_RPC_TIMEOUT", "ENCLAVE_LOG_LEVEL", "ENCLAVE_LOG_PATH",
    "ENCLAVE_DEBUG_ENABLEDEBUGNAMESPACE", "ENCLAVE_DEBUG_ENABLEPROFILER", "ENCLAVE_STOREEXECUTEDTRANSACTIONS",
    "ENCLAVE_BACKUPENCRYPTIONKEY", "ENCLAVE_ATTESTATION_SIGNERID", "ENCLAVE_ATTESTATION_EDBSECURITYVERSION",
    "ENCLAVE_ATTESTATION_EDBPRODUCTID",
}

# Secret-looking keys and values for the values-file scan.
SECRET_KEY = re.compile(r"(pass(word|wd)?|secret|private.?key|^pk$|token|api.?key|jwt|conn(ection)?.?str|credential)", re.I)
SECRET_VALUES = [
    ("64-hex private key", re.compile(r"^(0x)?[0-9a-fA-F]{64}$")),
    ("PEM block", re.compile(r"-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----")),
    ("URL with credentials", re.compile(r"://[^/@\s:]+:[^/@\s]+@")),
    ("JWT", re.compile(r"^eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.")),
    ("connection string", re.compile(r"(AccountKey|SharedAccessKey|Password)=", re.I)),
]
KEY_VAULT_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
PUBLIC_HASH_KEYS = {"startHash"}  # an L1 block hash is public and 64 hex digits long


@lru_cache(maxsize=None)
def apps() -> tuple:
    return tuple(fleet.component_apps())


@lru_cache(maxsize=None)
def docs(name: str) -> tuple:
    app = next(a for a in apps() if a.name == name)
    return tuple(fleet.rendered_docs(app))


def by_kind(name: str, kind: str) -> list[dict]:
    return [d for d in docs(name) if d.get("kind") == kind]


def role(app) -> str:
    short = app.name[len(app.env) + 1:]
    return re.sub(r"-\d\d$", "", short).split("-")[0] if short.startswith(("validator", "gateway")) else short


def node_apps():
    return [a for a in apps() if a.chart_dir.name == "ten-node"]


def pod_specs(d: dict):
    if d.get("kind") in ("Deployment", "StatefulSet", "Job"):
        yield d["spec"]["template"]["spec"]


class AppTopology(unittest.TestCase):
    def test_each_environment_has_exactly_its_apps_in_its_namespace(self):
        got = defaultdict(dict)
        for a in apps():
            got[a.env][a.name] = a.namespace
        for env, shorts in EXPECTED_APPS.items():
            want = {"%s-%s" % (env, s): env for s in shorts}
            self.assertEqual(got[env], want, env)

    def test_each_app_uses_the_chart_of_its_role_and_its_name_as_release(self):
        for a in apps():
            self.assertEqual(a.chart_dir.name, CHART_OF[role(a)], a.name)
            self.assertEqual(a.release, a.name)
            self.assertEqual(a.manifest["spec"]["source"]["repoURL"], fleet.REPO_URL)

    def test_roots_and_environment_apps(self):
        roots = fleet.roots()
        envs = fleet.env_apps()
        self.assertEqual(sorted(envs), sorted(fleet.ENVIRONMENTS))
        for cluster, root in roots.items():
            children = [d["metadata"]["name"] for _, d in fleet.directory_manifests(root["spec"]["source"])
                        if d["kind"] == "Application"]
            want = sorted("ten-%s-apps" % e for e, c in fleet.ENVIRONMENTS.items() if c == cluster)
            self.assertEqual(sorted(children), want, cluster)
        for env, d in envs.items():
            src = d["spec"]["source"]
            self.assertEqual(src["path"], "deploy/environments/%s/apps" % env)
            self.assertTrue(src["directory"]["recurse"])

    def test_component_apps_are_confined_to_their_clusters_project(self):
        projects = fleet.projects()
        for cluster, p in projects.items():
            self.assertEqual(p["metadata"]["name"], "ten-%s" % cluster)
            self.assertEqual(p["spec"]["sourceRepos"], [fleet.REPO_URL])
            want = sorted(e for e, c in fleet.ENVIRONMENTS.items() if c == cluster)
            self.assertEqual(sorted(d["namespace"] for d in p["spec"]["destinations"]), want)
        for a in apps():
            cluster = fleet.ENVIRONMENTS[a.env]
            self.assertEqual(a.manifest["spec"]["project"], "ten-%s" % cluster, a.name)
            allowed = {(w["group"], w["kind"]) for w in projects[cluster]["spec"]["clusterResourceWhitelist"]}
            for d in docs(a.name):
                if "namespace" not in d["metadata"]:
                    group = d["apiVersion"].rpartition("/")[0]
                    self.assertIn((group, d["kind"]), allowed, "%s renders cluster-scoped %s" % (a.name, d["kind"]))
                else:
                    self.assertEqual(d["metadata"]["namespace"], a.namespace, a.name)

    def test_every_component_app_creates_its_namespace(self):
        for a in apps():
            opts = a.manifest["spec"]["syncPolicy"]["syncOptions"]
            self.assertIn("CreateNamespace=true", opts, a.name)
            if a.manifest["spec"].get("ignoreDifferences"):
                self.assertIn("RespectIgnoreDifferences=true", opts, a.name)

    def test_prod_is_pinned_and_synced_by_hand_nonprod_tracks_main(self):
        envs = fleet.env_apps()
        for a in apps():
            rev = a.manifest["spec"]["source"]["targetRevision"]
            auto = a.manifest["spec"]["syncPolicy"].get("automated")
            if fleet.ENVIRONMENTS[a.env] == "prod":
                self.assertRegex(rev, r"^deploy-mainnet-v\d+$", a.name)
                self.assertIsNone(auto, a.name)
            else:
                self.assertEqual(rev, "main", a.name)
        self.assertFalse(envs["mainnet"]["spec"]["syncPolicy"]["automated"]["prune"])

    def test_node_apps_layer_component_file_then_the_shared_l1_file(self):
        for a in node_apps() + [a for a in apps() if a.chart_dir.name == "ten-deploy-jobs"]:
            self.assertEqual(a.value_files[-1].name, "l1.yaml", a.name)
            self.assertEqual(a.value_files[-1].parent.parent.name, a.env, a.name)
            l1 = yaml.safe_load(a.value_files[-1].read_text())["l1Config"]
            if a.chart_dir.name != "ten-node":
                continue
            env = by_kind(a.name, "ConfigMap")[0]["data"]
            self.assertEqual(env["NETWORK_L1_CONTRACTS_ENCLAVEREGISTRY"], l1["enclaveRegistry"])
            self.assertEqual(env["NETWORK_L1_CONTRACTS_MESSAGEBUS"], l1["messageBus"])
            self.assertEqual(env["NETWORK_L1_STARTHASH"], l1["startHash"])


class Enclaves(unittest.TestCase):
    def test_every_enclave_requests_sgx_and_mounts_storage_kept_on_uninstall(self):
        seen = 0
        for a in node_apps():
            pvcs = {p["metadata"]["name"]: p for p in by_kind(a.name, "PersistentVolumeClaim")}
            for sts in by_kind(a.name, "StatefulSet"):
                seen += 1
                spec = sts["spec"]["template"]["spec"]
                names = {c["name"]: c for c in spec["containers"]}
                for cname in ("edgelessdb", "enclave"):
                    res = names[cname]["resources"]
                    for r in SGX_RESOURCES:
                        self.assertIn(r, res["requests"], "%s %s" % (sts["metadata"]["name"], cname))
                        self.assertEqual(res["requests"][r], res["limits"][r])
                    self.assertFalse(names[cname]["securityContext"].get("privileged", False))
                claims = [v["persistentVolumeClaim"]["claimName"] for v in spec["volumes"] if "persistentVolumeClaim" in v]
                self.assertEqual(len(claims), 2, sts["metadata"]["name"])
                for c in claims:
                    ann = pvcs[c]["metadata"]["annotations"]
                    self.assertEqual(ann.get("helm.sh/resource-policy"), "keep", c)
                    self.assertIn("Delete=false", ann.get("argocd.argoproj.io/sync-options", ""), c)
                    self.assertIn("Prune=false", ann.get("argocd.argoproj.io/sync-options", ""), c)
                self.assertNotIn("edbtool", names, "debug sidecar in %s" % a.name)
        self.assertGreaterEqual(seen, 16)

    def test_mainnet_enclaves_are_protected_from_drains(self):
        for a in node_apps():
            pdbs = {p["metadata"]["name"]: p for p in by_kind(a.name, "PodDisruptionBudget")}
            for s in by_kind(a.name, "StatefulSet"):
                if a.env == "mainnet":
                    pdb = pdbs[s["metadata"]["name"]]
                    self.assertEqual(pdb["spec"]["maxUnavailable"], 0)
                    self.assertEqual(pdb["spec"]["selector"], s["spec"]["selector"])
                else:
                    self.assertNotIn(s["metadata"]["name"], pdbs)

    def test_sequencers_run_an_ha_pair_that_never_shares_a_node(self):
        for a in node_apps():
            if not a.name.endswith("-sequencer"):
                continue
            sets = by_kind(a.name, "StatefulSet")
            self.assertEqual(len(sets), 1 if a.env == "dev" else 2, a.name)
            for s in sets:
                req = s["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                self.assertEqual(req[0]["labelSelector"]["matchLabels"]["app.kubernetes.io/instance"], a.release)
            host_env = [c for c in by_kind(a.name, "ConfigMap") if c["metadata"]["name"].endswith("-host-env")][0]
            self.assertEqual(len(host_env["data"]["HOST_ENCLAVE_RPCADDRESSES"].split(",")), len(sets))

    def test_recovery_secret_reaches_the_enclave_where_configured(self):
        for a in node_apps():
            has = any(e["metadata"]["name"].endswith("-enclave-recovery") for e in by_kind(a.name, "ExternalSecret"))
            for s in by_kind(a.name, "StatefulSet"):
                enclave = [c for c in s["spec"]["template"]["spec"]["containers"] if c["name"] == "enclave"][0]
                names = [e["name"] for e in enclave.get("env", [])]
                self.assertEqual("ENCLAVE_SHAREDSECRET" in names, has, a.name)
        self.assertTrue(any(e["metadata"]["name"].endswith("-enclave-recovery")
                            for a in node_apps() for e in by_kind(a.name, "ExternalSecret")))

    def test_rendered_go_ten_env_names_are_keys_go_ten_reads(self):
        for a in node_apps():
            for cm in by_kind(a.name, "ConfigMap"):
                known = GO_TEN_HOST if cm["metadata"]["name"].endswith("-host-env") else GO_TEN_ENCLAVE
                unknown = set(cm["data"]) - known
                self.assertFalse(unknown, "%s %s" % (cm["metadata"]["name"], sorted(unknown)))

    def test_validators_dial_the_sequencer_service_of_their_namespace(self):
        for a in node_apps():
            if a.name.endswith("-sequencer"):
                continue
            env = by_kind(a.name, "ConfigMap")[0]["data"]
            self.assertEqual(env["NETWORK_SEQUENCER_P2PADDRESS"], "%s-sequencer-ten-node-host:10000" % a.env)
            seq = [s["metadata"]["name"] for s in by_kind("%s-sequencer" % a.env, "Service")]
            self.assertIn("%s-sequencer-ten-node-host" % a.env, seq)

    def test_no_destructive_option_is_committed_on(self):
        for a in node_apps():
            self.assertFalse(any(d.get("kind") == "Job" for d in docs(a.name)), a.name)


class Secrets(unittest.TestCase):
    def test_no_secret_with_literal_data_is_rendered(self):
        for a in apps():
            for d in docs(a.name):
                if d.get("kind") == "Secret":
                    self.assertFalse(d.get("data") or d.get("stringData"), "%s renders Secret %s" % (a.name, d["metadata"]["name"]))
                for spec in pod_specs(d):
                    for c in spec.get("containers", []) + spec.get("initContainers", []):
                        for e in c.get("env", []):
                            if "value" in e:
                                self._not_secret(str(e["value"]), "%s %s env %s" % (a.name, c["name"], e["name"]))
                            if SECRET_KEY.search(e["name"]) and "value" in e:
                                self.fail("%s: env %s carries a literal value" % (a.name, e["name"]))

    def test_every_external_secret_reads_the_azure_keyvault_store(self):
        for a in apps():
            for es in by_kind(a.name, "ExternalSecret"):
                self.assertEqual(es["spec"]["secretStoreRef"], {"kind": "ClusterSecretStore", "name": "azure-keyvault"})

    def test_no_values_file_holds_a_secret(self):
        files = fleet.values_files()
        self.assertGreater(len(files), 30)
        for f in files:
            self._scan(yaml.safe_load(f.read_text()) or {}, [], f)
        for a in apps():
            self.assertNotIn("parameters", a.manifest["spec"]["source"].get("helm", {}), a.name)
            self.assertNotIn("values", a.manifest["spec"]["source"].get("helm", {}), a.name)

    def test_the_scanner_catches_secrets(self):
        for bad in ({"faucet": {"pk": "0x" + "ab" * 32}}, {"db": {"url": "postgresql://u:p@h:5432"}},
                    {"secrets": {"node": {"NODE_PRIVATEKEY": "ab" * 32}}}, {"password": "hunter2"}):
            with self.assertRaises(AssertionError, msg=str(bad)):
                self._scan(bad, [], "example")

    def _scan(self, node, path, f):
        if isinstance(node, dict):
            for k, v in node.items():
                self._scan(v, path + [str(k)], f)
            return
        if isinstance(node, list):
            for i, v in enumerate(node):
                self._scan(v, path + [str(i)], f)
            return
        if not isinstance(node, str) or node == "":
            return
        where = "%s: %s" % (f, ".".join(path))
        if path[-1] not in PUBLIC_HASH_KEYS:
            self._not_secret(node, where)
        in_secrets_map = "secrets" in path or path[-1] == "recoverySharedSecret"
        if SECRET_KEY.search(path[-1]) or in_secrets_map:
            # Only a Key Vault secret name may sit under a secret-like key.
            self.assertTrue(in_secrets_map and KEY_VAULT_NAME.match(node), "%s holds a value, not a Key Vault name" % where)

    def _not_secret(self, value, where):
        for what, rx in SECRET_VALUES:
            self.assertIsNone(rx.search(value), "%s looks like a %s" % (where, what))


class SharedObjects(unittest.TestCase):
    def test_each_object_has_exactly_one_owning_app(self):
        owner = {}
        for a in apps():
            for d in docs(a.name):
                md = d["metadata"]
                key = (d["kind"], md.get("namespace", ""), md["name"])
                self.assertNotIn(key, owner, "%s also rendered by %s" % (key, owner.get(key)))
                owner[key] = a.name

    def test_public_hostnames_are_unique_across_the_fleet(self):
        seen = {}
        for a in apps():
            hosts = []
            for r in by_kind(a.name, "IngressRoute"):
                for route in r["spec"]["routes"]:
                    hosts += re.findall(r"Host\(`([^`]+)`\)", route["match"])
            for d in by_kind(a.name, "Deployment"):
                for c in d["spec"]["template"]["spec"]["containers"]:
                    hosts += re.findall(r"-tlsDomain=(\S+)", " ".join(c.get("args", [])))
            for h in hosts:
                self.assertNotIn(h, seen, "%s claimed by %s and %s" % (h, seen.get(h), a.name))
                seen[h] = a.name
        self.assertIn("tenscan.io", seen)

    def test_selectors_are_release_scoped(self):
        for a in apps():
            for d in docs(a.name):
                if d["kind"] in ("Deployment", "StatefulSet"):
                    self.assertEqual(d["spec"]["selector"]["matchLabels"].get("app.kubernetes.io/instance"), a.release)

    def test_images_are_pinned(self):
        for a in apps():
            for d in docs(a.name):
                for spec in pod_specs(d):
                    for c in spec.get("containers", []) + spec.get("initContainers", []):
                        self.assertRegex(c["image"], r":[^:/]+$", a.name)
                        self.assertFalse(c["image"].endswith(":latest"), "%s %s" % (a.name, c["image"]))


class Charts(unittest.TestCase):
    CHARTS = sorted(p.parent for p in fleet.DEPLOY.glob("charts/*/Chart.yaml"))

    def test_schemas_reject_typos_and_wrong_types(self):
        for chart in self.CHARTS:
            ci = chart / "ci" / "lint-values.yaml"
            ok = subprocess.run([str(fleet.HELM_TEMPLATE), "template", "x", str(chart), "-f", str(ci)], capture_output=True, text=True)
            self.assertEqual(ok.returncode, 0, "%s: %s" % (chart.name, ok.stderr))
            for bad in ("environemnt=uat", "image.pullPolicy=Sometimes", "image.pullPolicy[0]=x"):
                r = subprocess.run([str(fleet.HELM_TEMPLATE), "template", "x", str(chart), "-f", str(ci), "--set", bad],
                                   capture_output=True, text=True)
                self.assertNotEqual(r.returncode, 0, "%s accepted --set %s" % (chart.name, bad))
                self.assertIn("schema", r.stderr, chart.name)

    def test_readme_documents_every_value(self):
        for chart in self.CHARTS:
            readme = (chart / "README.md").read_text()
            vals = yaml.safe_load((chart / "values.yaml").read_text())
            for key in leaf_keys(vals):
                self.assertIn("`%s`" % key, readme, "%s/README.md misses %s" % (chart.name, key))
            self.assertTrue((chart / "templates" / "NOTES.txt").exists(), chart.name)
            self.assertTrue((chart / "values.schema.json").exists(), chart.name)


def render_chart(chart: str, *sets: str) -> list[dict]:
    """Render a chart with its ci/lint-values.yaml plus --set expressions (real Helm)."""
    path = fleet.DEPLOY / "charts" / chart
    cmd = [str(fleet.HELM_TEMPLATE), "template", "lint-node", str(path), "-n", "lint", "-f", str(path / "ci" / "lint-values.yaml")]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise fleet.FleetError(r.stderr.strip())
    return [d for d in yaml.safe_load_all(r.stdout) if d is not None]


class Destructive(unittest.TestCase):
    """The reset hook and the uninstall option of ten-node (lesson 7), on the CI values."""

    def test_reset_is_a_presync_hook_scoped_to_this_node(self):
        out = render_chart("ten-node")
        hooks = [d for d in out if "argocd.argoproj.io/hook" in (d["metadata"].get("annotations") or {})]
        self.assertEqual(sorted(d["kind"] for d in hooks), ["Job", "Role", "RoleBinding", "ServiceAccount"])
        for h in hooks:
            ann = h["metadata"]["annotations"]
            self.assertEqual(ann["argocd.argoproj.io/hook"], "PreSync")
            self.assertEqual(ann["helm.sh/hook"], "pre-upgrade")
        role = [d for d in hooks if d["kind"] == "Role"][0]
        for rule in role["rules"]:
            if "delete" in rule["verbs"] or "patch" in rule["verbs"]:
                self.assertTrue(rule.get("resourceNames"), rule)
                for n in rule["resourceNames"]:
                    self.assertTrue(n.startswith("lint-node-ten-node-"), n)
        job = [d for d in hooks if d["kind"] == "Job"][0]
        script = "\n".join(a for c in job["spec"]["template"]["spec"]["initContainers"] for a in c["args"])
        self.assertIn('DROP DATABASE IF EXISTS "host_0x00000000000000000000000000000000000000aa"', script)
        self.assertNotRegex(script, r"LIKE|host\\?_%")
        self.assertIn("kubectl get configmap lint-node-ten-node-reset-2026-11-25", script)

    def test_reset_needs_an_id(self):
        with self.assertRaises(fleet.FleetError) as e:
            render_chart("ten-node", "reset.id=")
        self.assertIn("reset.id is required", str(e.exception))

    def test_only_the_named_option_lets_uninstall_delete_enclave_data(self):
        kept = [d for d in render_chart("ten-node") if d["kind"] == "PersistentVolumeClaim"]
        self.assertTrue(all(d["metadata"]["annotations"].get("helm.sh/resource-policy") == "keep" for d in kept))
        gone = [d for d in render_chart("ten-node", "dangerouslyDeleteEnclaveDataOnUninstall=true") if d["kind"] == "PersistentVolumeClaim"]
        self.assertEqual(len(gone), len(kept))
        self.assertFalse(any("helm.sh/resource-policy" in d["metadata"]["annotations"] for d in gone))


def leaf_keys(v, prefix=""):
    if isinstance(v, dict) and v:
        for k, x in v.items():
            yield from leaf_keys(x, "%s.%s" % (prefix, k) if prefix else k)
    else:
        yield prefix


class Capacity(unittest.TestCase):
    """Every pod fits the environment's node inventory (first fit, largest first)."""

    def test_pods_fit_the_node_inventory(self):
        for env in fleet.ENVIRONMENTS:
            inv = yaml.safe_load((fleet.ENVIRONMENTS_DIR / env / "nodes.yaml").read_text())
            nodes = [dict(n, free={k: qty(v) for k, v in n["allocatable"].items()}, pods=[]) for n in inv["nodes"]]
            pods = []
            for a in apps():
                if a.env != env:
                    continue
                for d in docs(a.name):
                    if d["kind"] in ("Deployment", "StatefulSet"):
                        pods.append((a.release, d["metadata"]["name"], d["spec"]["template"]))
            pods.sort(key=lambda p: -sum(qty(v) for c in p[2]["spec"]["containers"]
                                          for k, v in c.get("resources", {}).get("requests", {}).items() if k == "cpu"))
            for release, name, tmpl in pods:
                need = defaultdict(float)
                for c in tmpl["spec"]["containers"]:
                    for k, v in c.get("resources", {}).get("requests", {}).items():
                        need[k] += qty(v)
                need["pods"] += 1
                placed = False
                for n in nodes:
                    if not fits(tmpl, release, n, need):
                        continue
                    for k, v in need.items():
                        n["free"][k] -= v
                    n["pods"].append((release, tmpl["metadata"]["labels"]))
                    placed = True
                    break
                self.assertTrue(placed, "%s: %s fits no node of nodes.yaml" % (env, name))


def fits(tmpl: dict, release: str, node: dict, need: dict) -> bool:
    spec = tmpl["spec"]
    labels = node["labels"]
    if any(labels.get(k) != v for k, v in (spec.get("nodeSelector") or {}).items()):
        return False
    tolerated = {(t.get("key"), t.get("effect")) for t in spec.get("tolerations", [])}
    if any((t["key"], t["effect"]) not in tolerated for t in node.get("taints", []) if t["effect"] == "NoSchedule"):
        return False
    anti = ((spec.get("affinity") or {}).get("podAntiAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution", [])
    for term in anti:
        sel = term["labelSelector"]["matchLabels"]
        if term["topologyKey"] != "kubernetes.io/hostname":
            continue
        if any(all(pl.get(k) == v for k, v in sel.items()) for _, pl in node["pods"]):
            return False
    return all(node["free"].get(k, 0.0) >= v for k, v in need.items())


_UNITS = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def qty(v) -> float:
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(v))
    if not m:
        raise ValueError("bad quantity %r" % v)
    return float(m.group(1)) * _UNITS.get(m.group(2), 1.0)


if __name__ == "__main__":
    unittest.main()

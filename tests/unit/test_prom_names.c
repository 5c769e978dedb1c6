// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_prom_names.c - mfd_metrics_prom_name() gives the names the
 * OpenTelemetry-to-Prometheus translation gives. The expected values are
 * the examples the translation's owners publish: the OpenTelemetry
 * specification ("Prometheus and OpenMetrics Compatibility") and the
 * Collector's pkg/translator/prometheus README and tests, which
 * prometheusremotewrite and VictoriaMetrics' -opentelemetry.usePrometheusNaming
 * follow. Then every catalogue row: its name fits, is a valid Prometheus
 * metric name, and no two rows collide (with their histogram suffixes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

#define G MFD_METRIC_GAUGE
#define C MFD_METRIC_SUM
#define H MFD_METRIC_HISTOGRAM

static const struct {
	const char *name, *unit;
	enum mfd_metric_kind kind;
	const char *want;
} cases[] = {
	/* standard units, appended */
	{ "system.filesystem.usage", "By", G, "system_filesystem_usage_bytes" },
	{ "system.io", "By", C, "system_io_bytes_total" },
	{ "network_transmitted_bytes_total", "By", C,
	  "network_transmitted_bytes_total" },
	{ "\t system.filesystem.usage       ", "  By\t", G,
	  "system_filesystem_usage_bytes" },
	{ "process.cpu.time", "s", C, "process_cpu_time_seconds_total" },
	{ "system.disk.operation_time", "s", C,
	  "system_disk_operation_time_seconds_total" },
	{ "http.server.duration", "s", H, "http_server_duration_seconds" },
	{ "hw.cpu.speed_limit", "Hz", G, "hw_cpu_speed_limit_hertz" },
	{ "redis.latest_fork", "us", G, "redis_latest_fork_microseconds" },
	{ "nsxt.node.memory.usage", "KBy", G,
	  "nsxt_node_memory_usage_kilobytes" },
	{ "mongodbatlas.process.journaling.data_files", "MiBy", G,
	  "mongodbatlas_process_journaling_data_files_mebibytes" },
	/* annotations are dropped */
	{ "system.network.dropped", "{packets}", G, "system_network_dropped" },
	{ "system.network.dropped", "{packets}", C,
	  "system_network_dropped_total" },
	{ "bigip.virtual_server.request.count", "{requests}", C,
	  "bigip_virtual_server_request_count_total" },
	/* non-standard units are appended unless already a token */
	{ "system.network.dropped", "packets", G,
	  "system_network_dropped_packets" },
	{ "system.network.packets.dropped", "packets", G,
	  "system_network_packets_dropped" },
	{ "system.network.packets", "packets", C,
	  "system_network_packets_total" },
	{ "apache.workers", "connections", G, "apache_workers_connections" },
	/* "1": _ratio on gauges only */
	{ "system.memory.utilization", "1", G,
	  "system_memory_utilization_ratio" },
	{ "hw.fan.speed_ratio", "1", G, "hw_fan_speed_ratio" },
	{ "system.cpu.load_average.15m", "1", G,
	  "system_cpu_load_average_15m_ratio" },
	{ "objects", "1", C, "objects_total" },
	{ "apache.requests", "1", C, "apache_requests_total" },
	{ "some.histogram", "1", H, "some_histogram" },
	/* percent, per-units */
	{ "memcached.operation_hit_ratio", "%", G,
	  "memcached_operation_hit_ratio_percent" },
	{ "broken.metric.success_percent", "%", G,
	  "broken_metric_success_percent" },
	{ "broken.metric.speed", "km/h", G, "broken_metric_speed_km_per_hour" },
	{ "astro.light.speed_limit", "m/s", G,
	  "astro_light_speed_limit_meters_per_second" },
	{ "mongodbatlas.process.asserts", "{assertions}/s", G,
	  "mongodbatlas_process_asserts_per_second" },
	{ "mongodbatlas.process.network.io", "By/s", G,
	  "mongodbatlas_process_network_io_bytes_per_second" },
	{ "mongodbatlas.process.oplog.rate", "GiBy/h", G,
	  "mongodbatlas_process_oplog_rate_gibibytes_per_hour" },
	{ "mongodbatlas.process.db.query_targeting.scanned_per_returned",
	  "{scanned}/{returned}", G,
	  "mongodbatlas_process_db_query_targeting_scanned_per_returned" },
	/* odd characters, empty units, leading digits */
	{ "(lambda).function.executions(#)", "", G,
	  "lambda_function_executions" },
	{ "test.metric.spaces", "   \t  ", G, "test_metric_spaces" },
	{ "unsupported.metric.weird", "+=.:,!* & #", G,
	  "unsupported_metric_weird" },
	{ "unsupported.metric.redundant",
	  "__test $/\xc2\xb0"
	  "C",
	  G, "unsupported_metric_redundant_test_per_C" },
	{ "3.14 digits", "", G, "_3_14_digits" },
	{ "envoy__rule_engine_zlib_buf_error", "", G,
	  "envoy_rule_engine_zlib_buf_error" },
	{ ":foo::bar", "", C, "foo_bar_total" },
	{ "x.total.y", NULL, C, "x_y_total" },
};

static void test_spec_examples(void **state)
{
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = mfd_metrics_prom_name(cases[i].name, cases[i].unit,
					      cases[i].kind, buf, sizeof(buf));

		if (n < 0 || strcmp(buf, cases[i].want))
			fail_msg("'%s' '%s': got '%s' (%d), want '%s'",
				 cases[i].name,
				 cases[i].unit ? cases[i].unit : "(null)", buf,
				 n, cases[i].want);
		assert_int_equal(n, (int)strlen(cases[i].want));
	}
}

static void test_too_long(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(mfd_metrics_prom_name("a.b.c.d.e", "By", G, buf,
					       sizeof(buf)),
			 -ENAMETOOLONG);
	assert_string_equal(buf, "");
	assert_int_equal(mfd_metrics_prom_name("a", "", G, buf, 0),
			 -ENAMETOOLONG);
}

static bool valid_prom_name(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == ':'))
			return false;
	return true;
}

static void test_catalogue(void **state)
{
	static char names[256][160];
	unsigned int n = 0;

	(void)state;
	for (unsigned int i = 0; i < mfd_metric_catalog_len; i++) {
		const struct mfd_metric_desc *d = &mfd_metric_catalog[i];
		char buf[128];
		const char *sfx[] = { "", "_bucket", "_sum", "_count" };
		unsigned int ns = d->kind == MFD_METRIC_HISTOGRAM ? 4 : 1;

		assert_true(mfd_metrics_prom_name(d->name, d->unit, d->kind,
						  buf, sizeof(buf)) > 0);
		assert_string_equal(mfd_metric_prom(d, buf, sizeof(buf)), buf);
		if (!valid_prom_name(buf))
			fail_msg("%s: invalid Prometheus name '%s'", d->name,
				 buf);
		for (unsigned int k = 0; k < ns; k++) {
			assert_true(n < 256);
			snprintf(names[n], sizeof(names[n]), "%s%s", buf,
				 sfx[k]);
			for (unsigned int j = 0; j < n; j++)
				if (!strcmp(names[j], names[n]))
					fail_msg("%s: name '%s' taken", d->name,
						 names[n]);
			n++;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_examples),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

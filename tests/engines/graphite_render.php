<?php
// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Renders the graphs icingaweb2-module-graphite draws for one service, with
 * the module's own code: its template loader (module templates plus the
 * config directory's modules/graphite/templates/), Template::getCharts()
 * (metric lookup through graphite-web's /metrics/expand, curve combination)
 * and GraphImage (the /render request). Icinga Web is bootstrapped as
 * EmbeddedWeb, because the module's URL helpers refuse the CLI application.
 * No monitoring backend is needed: the object's macros are given as the
 * metric filter instead of being resolved from a MonitoredObject.
 *
 * php graphite_render.php CONFIGDIR OUTDIR HOST SERVICE CHECK_COMMAND FROM UNTIL
 *
 * Writes OUTDIR/<template>-<n>.png per chart and prints one JSON document:
 * {"charts": [{"template", "default": bool, "metrics": {curve: metric},
 * "png"}]}. Exit status 0, or 1 with the reason on stderr.
 */

use Icinga\Application\EmbeddedWeb;
use Icinga\Module\Graphite\Graphing\GraphingTrait;
use Icinga\Module\Graphite\Web\Widget\GraphImage;

if ($argc !== 8) {
    fwrite(STDERR, "usage: graphite_render.php CONFIGDIR OUTDIR HOST SERVICE CHECK_COMMAND FROM UNTIL\n");
    exit(2);
}
list(, $configDir, $outDir, $host, $service, $checkCommand, $from, $until) = $argv;

require_once 'Icinga/Application/EmbeddedWeb.php';
EmbeddedWeb::start('/usr/share/icingaweb2', $configDir);

/* The trait's loaders are protected: expose them, nothing else. */
final class PrioticketGraphs
{
    use GraphingTrait;

    public static function templates()
    {
        return static::getAllTemplates();
    }
}

/* As Graphs\Service::designedForObjectType(): service templates only. */
function designedForService($template)
{
    foreach ($template->getCurves() as $curve) {
        if (in_array('service_name_template', $curve[0]->getMacros())) {
            return true;
        }
    }
    return false;
}

try {
    $all = PrioticketGraphs::templates();
    $source = PrioticketGraphs::getMetricsDataSource();
    /* Icinga's macros of the service name template, as the module would
     * resolve them from the monitored object. */
    $filter = [
        'host.name' => $host,
        'service.name' => $service,
        'service.check_command' => $checkCommand,
    ];
    $concrete = $all->getTemplates($checkCommand);
    /* As the Graphs widget does: default templates only get the metrics
     * no concrete template's curve covers. */
    $exclude = [];
    foreach ($concrete as $template) {
        foreach ($template->getCurves() as $curve) {
            $exclude[] = $curve[0];
        }
    }
    $out = ['charts' => []];
    $sets = [[false, $concrete, []], [true, $all->getDefaultTemplates(), $exclude]];
    foreach ($sets as list($isDefault, $templates, $excludeMetrics)) {
        foreach ($templates as $name => $template) {
            if (! designedForService($template)) {
                continue;
            }
            $charts = $template->getCharts($source, null, $filter, $excludeMetrics);
            foreach ($charts as $n => $chart) {
                /* The inline look of the service detail view. */
                $chart->setFrom($from)->setUntil($until)->setWidth(700)->setHeight(350)
                    ->setBackgroundColor('white')->setForegroundColor('black')
                    ->setMajorGridLineColor('grey')->setMinorGridLineColor('white')
                    ->setShowLegend(true);
                $png = sprintf('%s/%s-%d.png', $outDir, $name, $n);
                if (file_put_contents($png, (new GraphImage($chart))->render()) === false) {
                    throw new RuntimeException("cannot write $png");
                }
                $out['charts'][] = [
                    'template' => $name,
                    'default' => $isDefault,
                    'metrics' => $chart->getMetrics(),
                    'png' => $png,
                ];
            }
        }
    }
    echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
} catch (Throwable $e) {
    fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n" . $e->getTraceAsString() . "\n");
    exit(1);
}

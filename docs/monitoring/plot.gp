# Renders the sample's scraped meters (DashboardCapture) as the dashboard's main series.
# gnuplot -e "data='sample-billing-service/target/dashboard.tsv'" docs/monitoring/plot.gp
if (!exists("data")) data = 'sample-billing-service/target/dashboard.tsv'
if (!exists("out")) out = 'docs/images/sample-under-load.png'
set terminal pngcairo size 1200,900 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set key autotitle columnhead top left
set grid
set xrange [0:80]
set style rect fc rgb "#ffe0e0" fs solid 0.5 noborder
set object 1 rect from 30, graph 0 to 45, graph 1 behind
set style rect fc rgb "#e0e0ff" fs solid 0.5 noborder
set object 2 rect from 50, graph 0 to 60, graph 1 behind
set multiplot layout 4,1 title "billing-service under load: healthy, poison events 30-45 s (red), nats-server down 50-60 s (blue)"
set ylabel "connection"
set yrange [-0.1:1.6]
plot data using 1:2 with steps lw 2 lc rgb "#22aa77" title "nats_client_connected", \
     data using 1:10 with steps lw 2 dt 2 lc rgb "#555555" title "nats_client_reconnects_total"
set yrange [*:*]
set ylabel "msg/s"
plot data using 1:3 with lines lw 2 lc rgb "#22aa77" title "listener acked/s", \
     data using 1:4 with lines lw 2 lc rgb "#ee9900" title "retried/s", \
     data using 1:5 with lines lw 2 lc rgb "#dd2222" title "dead-lettered/s"
set ylabel "messages"
plot data using 1:6 with lines lw 2 lc rgb "#2277cc" title "consumer pending", \
     data using 1:7 with lines lw 2 lc rgb "#aa33cc" title "ack pending"
set ylabel "req/s"
set xlabel "seconds"
plot data using 1:8 with lines lw 2 lc rgb "#22aa77" title "service requests/s", \
     data using 1:9 with lines lw 2 lc rgb "#dd2222" title "service errors/s"
unset multiplot

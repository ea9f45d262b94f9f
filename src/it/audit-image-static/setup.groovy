// A static x86-64 sensor in an image labelled linux/amd64, built with `docker build --platform`
// and pushed with `docker push`: the audit must pass it.
pushSensorImage = evaluate(new File(itLib, 'sensor-image.groovy'))
pushSensorImage(basedir, 'linux/amd64', 'audit-image-static')
true

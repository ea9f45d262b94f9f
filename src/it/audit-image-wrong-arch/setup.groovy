// A static x86-64 sensor in an image labelled linux/arm64, built with `docker build --platform`
// and pushed with `docker push`: the audit must refuse it.
pushSensorImage = evaluate(new File(itLib, 'sensor-image.groovy'))
pushSensorImage(basedir, 'linux/arm64', 'audit-image-wrong-arch')
true

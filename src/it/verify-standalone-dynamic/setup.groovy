// The host's /bin/ls is dynamic, as the incident's binary was; it stands in for the sensor.
import java.nio.file.*
Files.copy(Paths.get('/bin/ls'), new File(basedir, 'standalone/attune-core-timer-sensor').toPath(),
    StandardCopyOption.REPLACE_EXISTING)
true
